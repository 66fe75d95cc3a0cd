using System.Diagnostics;

namespace ReliableKafka.Cli.Tests;

/// <summary>Runs a command-line client (kcat, python3) and returns its exit code and output.</summary>
internal static class ExternalTool
{
    /// <summary>The repository's root (the folder holding ReliableKafka.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "ReliableKafka.slnx")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("ReliableKafka.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string file, IEnumerable<string> args, string? stdin = null, TimeSpan? timeout = null)
    {
        if (!Path.IsPathRooted(file))
        {
            file = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, file)).FirstOrDefault(File.Exists)
                ?? throw new InvalidOperationException($"{file} is not on PATH; .ci/run sets up the interop clients.");
        }

        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"{file} is not installed; .ci/run installs it (apt-get install kcat python3-confluent-kafka).");
        }

        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
