using ReliableKafka.Configuration;
using ReliableKafka.Simulator.Cluster;

namespace ReliableKafka.Tests.Configuration;

public sealed class ProducerConfigValidatorTests
{
    private static List<KeyValuePair<string, string?>> Settings(params (string Key, string? Value)[] pairs) =>
        [.. pairs.Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value))];

    [Fact]
    public void Idempotence_with_ten_in_flight_is_an_error_with_the_fix()
    {
        var findings = ProducerConfigValidator.Validate(
            Settings(("bootstrap.servers", "kafka:9092"), ("enable.idempotence", "true"), ("max.in.flight.requests.per.connection", "10")),
            profile: null);

        var finding = Assert.Single(findings, static f => f.Severity == FindingSeverity.Error);
        Assert.Equal("RK005", finding.RuleId);
        Assert.Equal("max.in.flight.requests.per.connection", finding.Property);
        Assert.Equal("enable.idempotence=true requires max.in.flight.requests.per.connection <= 5, but it is 10.", finding.Message);
        Assert.Equal("Set max.in.flight.requests.per.connection to 5 (the broker keeps order and removes duplicates for up to 5 requests in flight).", finding.Fix);
    }

    [Fact]
    public void Idempotence_with_acks_1_and_no_retries_reports_both()
    {
        var findings = ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("enable.idempotence", "true"), ("acks", "1"), ("retries", "0")),
            profile: null);

        Assert.Equal(["RK004", "RK006"], findings.Select(static f => f.RuleId));
        Assert.Equal("enable.idempotence=true requires acks=all, but acks is 1.", findings[0].Message);
        Assert.Equal("enable.idempotence=true requires retries > 0, but it is 0.", findings[1].Message);
    }

    [Fact]
    public void Delivery_timeout_below_linger_plus_request_timeout_is_an_error()
    {
        var findings = ProducerConfigValidator.Validate(
            Settings(("bootstrap.servers", "kafka:9092"), ("delivery.timeout.ms", "20000"), ("linger.ms", "100"), ("request.timeout.ms", "30000")),
            ReliabilityProfile.Analytics);

        var error = Assert.Single(findings, static f => f.RuleId == "RK007");
        Assert.Equal(FindingSeverity.Error, error.Severity);
        Assert.Equal(
            "delivery.timeout.ms=20000 is below linger.ms + request.timeout.ms = 100 + 30000 = 30100: a message can expire before its first request has had time to complete.",
            error.Message);
        Assert.Equal("Set delivery.timeout.ms to at least 30100 (the Critical profile uses 120000).", error.Fix);
    }

    [Fact]
    public void Short_delivery_timeout_is_a_warning_for_critical_and_info_for_analytics()
    {
        var settings = Settings(("bootstrap.servers", "kafka:9092"), ("message.timeout.ms", "10000"), ("request.timeout.ms", "5000"));

        var critical = Assert.Single(ProducerConfigValidator.Validate(settings, ReliabilityProfile.Critical), static f => f.RuleId == "RK011");
        var analytics = Assert.Single(ProducerConfigValidator.Validate(settings, ReliabilityProfile.Analytics), static f => f.RuleId == "RK011");

        Assert.Equal(FindingSeverity.Warning, critical.Severity);
        Assert.Equal(FindingSeverity.Info, analytics.Severity);
        Assert.StartsWith("message.timeout.ms=10000 is under 30 s", critical.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idempotent_producer_without_room_to_retry_a_lost_answer_is_warned()
    {
        // An at-least-once configuration with a 30 s delivery timeout, against librdkafka's 60 s socket timeout.
        var atLeastOnce = Settings(("bootstrap.servers", "kafka:9092"), ("acks", "all"), ("enable.idempotence", "true"), ("delivery.timeout.ms", "30000"), ("linger.ms", "0"));
        var tuned = Settings(("bootstrap.servers", "kafka:9092"), ("acks", "all"), ("enable.idempotence", "true"), ("delivery.timeout.ms", "30000"), ("linger.ms", "0"), ("socket.timeout.ms", "10000"), ("request.timeout.ms", "10000"));
        var notIdempotent = Settings(("bootstrap.servers", "kafka:9092"), ("acks", "all"), ("enable.idempotence", "false"), ("delivery.timeout.ms", "30000"), ("linger.ms", "0"));

        var finding = Assert.Single(ProducerConfigValidator.Validate(atLeastOnce, profile: null), static f => f.RuleId == RuleIds.NoRoomToRetry);

        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.StartsWith("delivery.timeout.ms=30000 leaves no room to retry a lost answer: the client waits up to 60000 ms", finding.Message, StringComparison.Ordinal);
        Assert.Equal("Set delivery.timeout.ms to at least 120000 (twice that wait), or lower socket.timeout.ms and request.timeout.ms.", finding.Fix);
        Assert.DoesNotContain(ProducerConfigValidator.Validate(tuned, profile: null), static f => f.RuleId == RuleIds.NoRoomToRetry);
        Assert.DoesNotContain(ProducerConfigValidator.Validate(notIdempotent, profile: null), static f => f.RuleId == RuleIds.NoRoomToRetry);
        Assert.DoesNotContain(ProducerConfigValidator.Validate([.. ReliabilityProfiles.GetDefaults(ReliabilityProfile.Critical).Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value)), new("bootstrap.servers", "kafka:9092")], ReliabilityProfile.Critical), static f => f.RuleId == RuleIds.NoRoomToRetry);
    }

    [Fact]
    public void Acks_1_and_no_idempotence_under_critical_are_errors()
    {
        var findings = ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("acks", "1"), ("enable.idempotence", "false")),
            ReliabilityProfile.Critical);

        Assert.Equal(["RK008", "RK009"], findings.Select(static f => f.RuleId));
        Assert.Equal(
            "acks=1 under the Critical profile: an acknowledged event is lost when the leader fails before its followers copy it.",
            findings[0].Message);
    }

    [Fact]
    public void Retries_without_idempotence_and_many_in_flight_warn_about_reordering()
    {
        var findings = ProducerConfigValidator.Validate(
            Settings(("bootstrap.servers", "kafka:9092"), ("acks", "all"), ("max.in.flight", "5")),
            profile: null);

        var reorder = Assert.Single(findings, static f => f.RuleId == "RK010");
        Assert.Equal(FindingSeverity.Warning, reorder.Severity);
        Assert.Contains("can reorder events", reorder.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(findings, static f => f.Severity == FindingSeverity.Error);

        var single = ProducerConfigValidator.Validate(
            Settings(("bootstrap.servers", "kafka:9092"), ("acks", "all"), ("max.in.flight", "1")), profile: null);
        Assert.DoesNotContain(single, static f => f.RuleId == "RK010");
    }

    [Fact]
    public void Unknown_property_suggests_the_closest_name()
    {
        var findings = ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("enable.idempotency", "true"), ("lingr.ms", "5"), ("completely.made.up.thing", "1")),
            profile: null);

        Assert.Equal(3, findings.Count);
        Assert.All(findings, static f => Assert.Equal("RK002", f.RuleId));
        Assert.Contains(findings, static f => f.Message == "'enable.idempotency' is not a producer property librdkafka knows; did you mean 'enable.idempotence'?");
        Assert.Contains(findings, static f => f.Message == "'lingr.ms' is not a producer property librdkafka knows; did you mean 'linger.ms'?");
        Assert.Contains(findings, static f => f.Message == "'completely.made.up.thing' is not a producer property librdkafka knows.");
    }

    [Fact]
    public void Missing_bootstrap_servers_is_an_error()
    {
        var finding = Assert.Single(ProducerConfigValidator.Errors(Settings(("acks", "all")), profile: null));

        Assert.Equal("RK001", finding.RuleId);
        Assert.Equal("bootstrap.servers is missing: the producer has no broker to connect to.", finding.Message);
    }

    [Fact]
    public void Invalid_values_are_reported_once_each()
    {
        var findings = ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("linger.ms", "soon"), ("acks", "most"), ("enable.idempotence", "yes")),
            profile: null);

        Assert.All(findings, static f => Assert.Equal("RK003", f.RuleId));
        Assert.Equal(3, findings.Count);
        Assert.Contains(findings, static f => f.Message == "linger.ms is 'soon', which is not valid: it must be a whole number of 0 or more.");
        Assert.Contains(findings, static f => f.Message == "acks is 'most', which is not valid: it must be all, 1 or 0.");
    }

    [Fact]
    public void Secrets_never_appear_in_findings()
    {
        const string Secret = "hunter2-very-secret";
        var findings = ProducerConfigValidator.Validate(
            Settings(
                ("bootstrap.servers", "kafka:9092"),
                ("sasl.password", Secret),
                ("sasl.pasword", Secret),
                ("ssl.key.password", Secret),
                ("sasl.oauthbearer.client.secret", Secret),
                ("acks", "0")),
            ReliabilityProfile.Critical);

        Assert.Contains(findings, static f => f.RuleId == "RK002" && f.Message.Contains("did you mean 'sasl.password'", StringComparison.Ordinal));
        Assert.All(findings, static f => Assert.DoesNotContain(Secret, f.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public void A_transactional_id_with_idempotence_off_acks_1_or_an_empty_id_breaks_RK013_with_the_fix()
    {
        var findings = ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", "task-api-0"), ("enable.idempotence", "false"), ("acks", "1")),
            profile: null);
        var empty = Assert.Single(ProducerConfigValidator.Errors(Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", " ")), profile: null));

        Assert.All(findings, static f => Assert.Equal(RuleIds.TransactionalRequiresIdempotence, f.RuleId));
        Assert.Equal(
            ["transactional.id is set with acks=1: a transactional producer writes with acks=all (librdkafka refuses anything else).",
             "transactional.id is set with enable.idempotence=false: a transactional producer is idempotent (librdkafka refuses this configuration)."],
            findings.Select(static f => f.Message).Order(StringComparer.Ordinal));
        Assert.Contains(findings, static f => f.Property == "acks" && f.Fix == "Remove acks or set it to all.");
        Assert.Contains(findings, static f => f.Property == "enable.idempotence" && f.Fix == "Remove enable.idempotence (a transactional producer turns it on) or set it to true.");
        Assert.Equal("RK013", empty.RuleId);
        Assert.Equal("transactional.id is empty: a transactional producer needs an id that is the same across restarts of one instance and differs between instances.", empty.Message);
    }

    [Fact]
    public void A_transaction_timeout_above_15_minutes_or_below_the_delivery_or_socket_timeout_breaks_RK014()
    {
        var tooLong = Assert.Single(ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", "t"), ("transaction.timeout.ms", "900001")), profile: null));
        var deliveryAbove = Assert.Single(ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", "t"), ("transaction.timeout.ms", "60000"), ("message.timeout.ms", "120000")), profile: null));
        var socketAbove = Assert.Single(ProducerConfigValidator.Errors(
            Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", "t"), ("transaction.timeout.ms", "60000"), ("socket.timeout.ms", "60101")), profile: null));

        Assert.Equal(RuleIds.TransactionTimeout, tooLong.RuleId);
        Assert.Equal("transaction.timeout.ms=900001 is above Kafka's default transaction.max.timeout.ms (900000): the broker refuses InitTransactions with INVALID_TRANSACTION_TIMEOUT.", tooLong.Message);
        Assert.Equal(RuleIds.TransactionTimeout, deliveryAbove.RuleId);
        Assert.Equal("message.timeout.ms", deliveryAbove.Property);
        Assert.Equal("message.timeout.ms=120000 is above transaction.timeout.ms=60000: a message could still be in flight when its transaction times out (librdkafka refuses this configuration).", deliveryAbove.Message);
        Assert.Equal("Remove message.timeout.ms (librdkafka then uses transaction.timeout.ms) or set it to at most 60000.", deliveryAbove.Fix);
        Assert.Equal(RuleIds.TransactionTimeout, socketAbove.RuleId);
        Assert.Equal("socket.timeout.ms=60101 is above transaction.timeout.ms=60000 + 100: a request could outlive its transaction (librdkafka refuses this configuration).", socketAbove.Message);
    }

    [Fact]
    public void Transaction_rules_apply_only_with_a_transactional_id_and_accept_their_limits()
    {
        var limits = Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", "t"), ("transaction.timeout.ms", "900000"), ("delivery.timeout.ms", "900000"), ("socket.timeout.ms", "900100"), ("acks", "all"), ("enable.idempotence", "true"));
        var defaults = Settings(("bootstrap.servers", "kafka:9092"), ("transactional.id", "t"));
        var notTransactional = Settings(("bootstrap.servers", "kafka:9092"), ("transaction.timeout.ms", "60000"), ("delivery.timeout.ms", "120000"), ("acks", "1"), ("enable.idempotence", "false"));

        Assert.Empty(ProducerConfigValidator.Errors(limits, profile: null));
        Assert.Empty(ProducerConfigValidator.Errors(defaults, profile: null));
        Assert.DoesNotContain(ProducerConfigValidator.Validate(notTransactional, profile: null), static f => f.RuleId is RuleIds.TransactionalRequiresIdempotence or RuleIds.TransactionTimeout);
    }

    /// <summary>RK013 and RK014 say librdkafka refuses what they refuse: building a real client agrees, one configuration at a time.</summary>
    [Theory]
    [InlineData("enable.idempotence", "false", true)]
    [InlineData("acks", "1", true)]
    [InlineData("acks", "0", true)]
    [InlineData("message.timeout.ms", "60001", true)]
    [InlineData("socket.timeout.ms", "60101", true)]
    [InlineData("message.timeout.ms", "60000", false)]
    [InlineData("socket.timeout.ms", "60100", false)]
    [InlineData("acks", "all", false)]
    [InlineData("enable.idempotence", "true", false)]
    public void The_transaction_rules_refuse_exactly_what_librdkafka_refuses(string property, string value, bool refused)
    {
        var settings = new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = "127.0.0.1:9",
            ["transactional.id"] = "t",
            ["transaction.timeout.ms"] = "60000",
            [property] = value,
        };

        var findings = ProducerConfigValidator.Errors(settings, profile: null);
        var built = Record.Exception(() => new Confluent.Kafka.ProducerBuilder<string, string>(settings.Select(static p => new KeyValuePair<string, string>(p.Key, p.Value!))).Build().Dispose());

        Assert.Equal(refused, findings.Count > 0);
        Assert.Equal(refused, built is not null);
        Assert.All(findings, static f => Assert.True(f.RuleId is RuleIds.TransactionalRequiresIdempotence or RuleIds.TransactionTimeout, f.ToString()));
    }

    /// <summary>RK014's 15-minute limit is the broker's: librdkafka builds the client, and the cluster refuses its InitTransactions.</summary>
    [Theory]
    [InlineData(900_001, true)]
    [InlineData(900_000, false)]
    public async Task A_transaction_timeout_RK014_refuses_is_refused_by_the_cluster(int timeoutMs, bool refused)
    {
        await using var cluster = SimulatedCluster.Start(new SimulatedClusterOptions { AutoCreateTopics = false });
        var settings = new Dictionary<string, string?>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["transactional.id"] = $"timeout-{timeoutMs}",
            ["transaction.timeout.ms"] = timeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        var findings = ProducerConfigValidator.Errors(settings, profile: null);
        using var producer = new Confluent.Kafka.ProducerBuilder<string, string>(settings.Select(static p => new KeyValuePair<string, string>(p.Key, p.Value!))).Build();
        var init = Record.Exception(() => producer.InitTransactions(TimeSpan.FromSeconds(30)));

        Assert.Equal(refused ? [RuleIds.TransactionTimeout] : [], findings.Select(static f => f.RuleId));
        Assert.Equal(refused ? Confluent.Kafka.ErrorCode.InvalidTransactionTimeout : null, (init as Confluent.Kafka.KafkaException)?.Error.Code);
        Assert.Equal(refused, init is not null);
    }

    [Fact]
    public void Critical_profile_defaults_pass_every_rule()
    {
        var defaults = ReliabilityProfiles.GetDefaults(ReliabilityProfile.Critical)
            .Select(static p => new KeyValuePair<string, string?>(p.Key, p.Value))
            .Append(new("bootstrap.servers", "kafka:9092"));

        Assert.Empty(ProducerConfigValidator.Validate(defaults, ReliabilityProfile.Critical));
    }
}
