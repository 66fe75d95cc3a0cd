using ReliableKafka.Configuration;

namespace ReliableKafka.Cli.Lint;

/// <summary>A finding, with the profile whose producer it is about (null for a flat file linted without a profile).</summary>
internal sealed record LintFinding(ConfigFinding Finding, ReliabilityProfile? Profile);

/// <summary>What <c>rk lint</c> found in one file.</summary>
/// <param name="File">The configuration that was read.</param>
/// <param name="Profile">The profile given with --profile, or null.</param>
/// <param name="Findings">Errors first; secrets masked.</param>
internal sealed record LintReport(ProducerConfigFile File, ReliabilityProfile? Profile, IReadOnlyList<LintFinding> Findings)
{
    public int Errors => Count(FindingSeverity.Error);

    public int Warnings => Count(FindingSeverity.Warning);

    public int Infos => Count(FindingSeverity.Info);

    /// <summary>0 when there is no error (warnings and infos alone are fine), 1 otherwise.</summary>
    public int ExitCode => Errors > 0 ? 1 : 0;

    private int Count(FindingSeverity severity) => Findings.Count(f => f.Finding.Severity == severity);
}

/// <summary>Runs the library's rule set (<see cref="ProducerConfigValidator"/>) over a configuration file.</summary>
internal static class Linter
{
    /// <summary>
    /// A flat file is validated as one producer's complete configuration, under <paramref name="profile"/> when given.
    /// A ReliableKafka options section is validated as the library does at start-up: each profile's defaults, then
    /// Settings, then that profile's overrides; every profile, or only <paramref name="profile"/>.
    /// </summary>
    public static LintReport Lint(ProducerConfigFile file, ReliabilityProfile? profile)
    {
        var findings = new List<LintFinding>();
        if (file.Options is { } options)
        {
            var profiles = profile is { } only ? [only] : Enum.GetValues<ReliabilityProfile>();
            foreach (var each in profiles)
            {
                var producer = options.ForProfile(each);
                ProducerConfigFactory.Merge(each, producer.BootstrapServers, producer.Settings, out var asWritten);
                findings.AddRange(ProducerConfigValidator.Validate(asWritten, each).Select(f => new LintFinding(f, each)));
            }
        }
        else
        {
            findings.AddRange(ProducerConfigValidator.Validate(file.Settings, profile).Select(f => new LintFinding(f, profile)));
        }

        // The rules never quote a secret; mask anyway, so a secret under an unexpected name cannot slip through.
        var redactor = new SecretRedactor(file.Values);
        var masked = findings
            .Select(f => f with
            {
                Finding = f.Finding with
                {
                    Property = redactor.Redact(f.Finding.Property),
                    Message = redactor.Redact(f.Finding.Message),
                    Fix = redactor.Redact(f.Finding.Fix),
                },
            })
            .OrderByDescending(static f => f.Finding.Severity)
            .ThenBy(static f => f.Profile)
            .ThenBy(static f => f.Finding.RuleId, StringComparer.Ordinal)
            .ToList();
        return new LintReport(file, profile, masked);
    }
}
