// Package load is hookdrill's open-model load test: it plays a schedule of
// signed webhook deliveries against a receiver, each delivery starting when
// it is due whatever the receiver did with earlier ones (as vegeta's
// attacker and k6's arrival-rate executors do), and measures latency from
// the instant each delivery was due, so a slow receiver cannot hide its
// slowness by slowing the load down (no coordinated omission).
//
// The schedule is a constant rate with a weighted event mix (Config.Rate,
// Config.Events, default: the platform's Workload.Mix), a built-in profile
// that models a platform workload (a Profile, contributed by the platform:
// Workloads.LookupProfile) or a custom profile in YAML (ParseScenario). Everything is seeded. Deliveries go
// through package sender, so they are signed, journaled and retried on the
// platform's schedule (compressed by Config.RetrySpeedup) exactly as the
// platform does; the report keeps first attempts and retries apart.
//
// The Result holds log-linear latency histograms (relative error below
// RelativeError) overall, per event type and over time, status and
// outcome counts, and why the schedule could not be kept when it was not
// (this machine lagging, or every MaxInFlight slot held by the receiver).
// Its memory does not grow with the length of the run: histograms keep
// only non-empty buckets, and the over-time series keeps at most MaxPoints
// points, one a second, or one per SecondsStep seconds (merged exactly)
// once the run outgrows it.
// Results of the shards of one run (Config.Shard) merge exactly (Merge,
// ReadResults); their JSON carries Kind and Version.
//
// Run only targets loopback addresses unless Config.AllowRemote is set;
// every run is bounded by its schedule plus Config.Drain.
//
// The package owns the machinery only and names no platform: the wire
// profiles come in Config.Platforms (or Config.Profile), each platform's
// default mix and built-in profiles in Config.Workloads, from the
// platform's platform/<name>/loadprofile package (platform/all lists
// them). It may import the root package, clock, sender and platform (the
// Registry type); it must not import platform/all, a platform's package
// (platform/prolific, ...), scenarios, mockserver, conform, receiver or
// the CLI.
package load
