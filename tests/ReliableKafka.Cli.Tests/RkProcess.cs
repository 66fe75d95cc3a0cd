using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReliableKafka.Cli.Tests;

/// <summary>Runs the real <c>rk</c> entry point as a child process and captures its output.</summary>
internal sealed class RkProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _bootstrap = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RkProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _bootstrap.TrySetException(new InvalidOperationException("rk exited before printing bootstrap.servers: " + Stderr));
                return;
            }

            lock (_stdout)
            {
                _stdout.AppendLine(e.Data);
            }

            if (e.Data.StartsWith("bootstrap.servers=", StringComparison.Ordinal))
            {
                _bootstrap.TrySetResult(e.Data["bootstrap.servers=".Length..]);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
    }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public int Pid => _process.Id;

    public static RkProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts rk with these environment variables added to (or replacing) the test's own.</summary>
    public static RkProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ReliableKafka.Cli.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start rk");
        var rk = new RkProcess(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return rk;
    }

    /// <summary>
    /// Runs rk to completion with standard input closed (as in CI, so no prompt can wait) and returns its exit code and output.
    /// </summary>
    public static Task<RkResult> RunAsync(params string[] args) => RunAsync(TimeSpan.FromSeconds(60), args);

    /// <summary>As <see cref="RunAsync(string[])"/>, for a command that may take up to <paramref name="timeout"/>.</summary>
    public static async Task<RkResult> RunAsync(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ReliableKafka.Cli.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("could not start rk");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"rk {string.Join(' ', args)} did not exit within {timeout.TotalSeconds:0} s (waiting on a prompt?)\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new RkResult(process.ExitCode, await stdout, await stderr);
    }

    public Task<string> BootstrapServers(TimeSpan timeout) => _bootstrap.Task.WaitAsync(timeout);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM, as a service manager would.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>A base port with <paramref name="count"/> free consecutive ports after it.</summary>
    public static int FreePorts(int count)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            // Below Linux's ephemeral range (32768-60999): in-process clusters and clients in the same test run bind port 0
            // and get ephemeral ports, and a broker that restarts must find its port still free.
            var first = Random.Shared.Next(20000, 32768 - count);
            var listeners = new List<TcpListener>();
            try
            {
                for (var i = 0; i < count; i++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, first + i);
                    listener.Start();
                    listeners.Add(listener);
                }

                return first;
            }
            catch (SocketException)
            {
                // Taken: try another range.
            }
            finally
            {
                listeners.ForEach(static l => l.Stop());
            }
        }

        throw new InvalidOperationException("no free port range found");
    }
}

/// <summary>What a finished rk run printed and returned.</summary>
internal sealed record RkResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}
