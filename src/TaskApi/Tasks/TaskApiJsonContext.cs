using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskApi.Tasks;

/// <summary>Source-generated JSON for the API's own types (camelCase, as ASP.NET Core's web defaults).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaskItem))]
[JsonSerializable(typeof(CreateTaskRequest))]
[JsonSerializable(typeof(TaskPage))]
internal sealed partial class TaskApiJsonContext : JsonSerializerContext;
