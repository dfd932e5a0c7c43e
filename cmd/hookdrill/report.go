package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill/report"
)

// reportFlags are report's flags.
type reportFlags struct {
	format, outPath, title *string
	verbose                *bool
}

func (a *app) reportCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "report [--format text|json|junit|html] [--out FILE] REPORT.json...",
		Short: "convert saved JSON reports to text, JSON, JUnit or HTML, merging several into one",
		Long: "Converts saved JSON reports (run or conform --format json; \"-\" reads stdin) to another\n" +
			"format and merges several into one: the shards of run --shard i/n, every platform of\n" +
			"conform.",
	}
	fs := cc.Flags()
	f := &reportFlags{
		format:  fs.String("format", "text", "output format: "+strings.Join(report.Formats(), ", ")),
		outPath: fs.String("out", "", "write the report to this file instead of stdout"),
		verbose: fs.BoolP("verbose", "v", false, "text report: also list the steps of passing scenarios"),
		title:   fs.String("title", "", "HTML report: the page title (default \"hookdrill report\")"),
	}
	return a.command(cc, f.run)
}

func (f *reportFlags) run(_ context.Context, a *app, fs *pflag.FlagSet, env *environ) error {
	var (
		format, outPath, title, verbose = f.format, f.outPath, f.title, f.verbose
	)
	if fs.NArg() == 0 {
		return usageErr("report needs at least one JSON report")
	}
	if !report.ValidFormat(*format) {
		return usageErr("--format must be one of %s, got %q", strings.Join(report.Formats(), ", "), *format)
	}
	var docs []report.Document
	for _, path := range fs.Args() {
		var data []byte
		var err error
		if path == "-" {
			data, err = io.ReadAll(env.stdin)
		} else {
			data, err = os.ReadFile(path)
		}
		if err != nil { // a file that cannot be read: hookdrill could not run
			return &exitError{code: exitProblem, err: fmt.Errorf("report: %w", err)}
		}
		ds, err := report.Decode(bytes.NewReader(data), path)
		if err != nil {
			return usageErr("report: %v", err)
		}
		docs = append(docs, ds...)
	}
	merged, err := report.DefaultKinds().Combine(docs)
	if err != nil {
		return usageErr("%v", err)
	}
	if !slices.Contains(merged.Formats(), *format) {
		return usageErr("these documents can be written as %s, not %q", strings.Join(merged.Formats(), ", "), *format)
	}
	if r, ok := report.AsReport(merged); ok {
		if miss := report.MissingShards(r); len(miss) > 0 {
			fmt.Fprintf(env.stderr, "hookdrill report: warning: shard(s) %s missing from the merged report\n", strings.Join(miss, ", "))
		}
	}
	out := env.stdout
	if *outPath != "" {
		f, err := os.Create(*outPath)
		if err != nil {
			return fmt.Errorf("report: %w", err)
		}
		defer f.Close()
		out = f
	}
	out = reportWriter(out, env, *format, *outPath)
	if err := merged.Write(out, *format, report.Options{Verbose: *verbose, Title: *title}); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if merged.Failed() {
		return failed("the merged report records failures")
	}
	return nil
}
