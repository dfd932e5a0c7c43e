package main

import (
	"context"

	"github.com/hookdrill/hookdrill/platform/all"
)

// runCommand runs "hookdrill NAME ARGS" in env, as main would.
func runCommand(ctx context.Context, name string, args []string, env *environ) error {
	return newApp(all.Platforms(), env).execute(ctx, append([]string{name}, args...))
}

func runRun(ctx context.Context, args []string, env *environ) error {
	return runCommand(ctx, "run", args, env)
}

func runReport(ctx context.Context, args []string, env *environ) error {
	return runCommand(ctx, "report", args, env)
}

func runServe(ctx context.Context, args []string, env *environ) error {
	return runCommand(ctx, "serve", args, env)
}

// commandNames are the subcommands' names.
func commandNames() []string {
	var names []string
	for _, c := range newApp(all.Platforms(), &environ{}).commands() {
		names = append(names, c.Name())
	}
	return names
}
