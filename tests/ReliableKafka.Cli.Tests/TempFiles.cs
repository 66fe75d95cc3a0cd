namespace ReliableKafka.Cli.Tests;

/// <summary>A temporary directory for configuration files, deleted with the test class.</summary>
internal sealed class TempFiles : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("rk-cli-tests-").FullName;

    public string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public string PathOf(string name) => Path.Combine(_directory, name);

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
