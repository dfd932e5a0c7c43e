package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/hookdrill/hookdrill"
	"github.com/hookdrill/hookdrill/assert"
	"github.com/hookdrill/hookdrill/mockserver"
)

// triggerFlags are trigger's flags.
type triggerFlags struct {
	server, plat, status, resource, workspace, study, eventID, payload, format, token *string
	wait                                                                              *time.Duration
	advance                                                                           *bool
	extras                                                                            listFlag
}

func (a *app) triggerCmd() *cobra.Command {
	cc := &cobra.Command{
		Use:   "trigger [--server URL] [--platform P] [flags] EVENT_TYPE",
		Short: "make a running mock server emit an event and follow its delivery",
		Long: "Asks a running `hookdrill serve` to emit an event, then prints where it went and each\n" +
			"attempt's outcome.",
	}
	fs := cc.Flags()
	f := &triggerFlags{
		server:    fs.String("server", "", "mock server base URL (default: $HOOKDRILL_SERVER, else http://"+DefaultServeAddr+")"),
		plat:      fs.String("platform", "", a.platformHelp("default: the one whose event type EVENT_TYPE is; with --payload alone, the mock server's default")),
		status:    fs.String("status", "", "status the event announces (default: a typical one for the event type)"),
		resource:  fs.String("resource-id", "", "resource id (default: a seeded fake id)"),
		workspace: fs.String("workspace", "", "Prolific workspace whose subscriptions get the event (default: every workspace)"),
		study:     fs.String("study", "", "Prolific study a new submission belongs to (GET /api/v1/studies/{id}/submissions/; default: one derived from the submission id)"),
		eventID:   fs.String("event-id", "", "event id / X-Event-ID / uuid (default: generated)"),
		payload:   fs.String("payload", "", "send this JSON object as the body (a file name, or @- for stdin); EVENT_TYPE is then optional"),
		wait:      fs.Duration("wait", 10*time.Second, "how long to follow the deliveries (0: do not wait)"),
		advance:   fs.Bool("advance", false, "on a simulated server clock, run it until every retry is done"),
		format:    fs.String("format", "text", "output format: text or json"),
		token:     fs.String("token", "", "the server's --token, for a server listening beyond loopback (default: $HOOKDRILL_TOKEN)"),
	}
	fs.Var(&f.extras, "extra", "platform-specific field key=value (repeatable), e.g. participant_id=..., screenerResponseUpdatedType=REJECTED.TRUE")
	return a.command(cc, f.run)
}

func (f *triggerFlags) run(ctx context.Context, a *app, fs *pflag.FlagSet, env *environ) error {
	var (
		server, plat, status, resource, workspace = f.server, f.plat, f.status, f.resource, f.workspace
		study, eventID, payload, format, token    = f.study, f.eventID, f.payload, f.format, f.token
		wait, advance, extras                     = f.wait, f.advance, f.extras
	)
	if fs.NArg() > 1 || (fs.NArg() == 0 && *payload == "") {
		return usageErr("trigger takes exactly one EVENT_TYPE argument, got %d", fs.NArg())
	}
	if *format != "text" && *format != "json" {
		return usageErr("--format must be text or json, got %q", *format)
	}
	base := *server
	if base == "" {
		base = env.getenv("HOOKDRILL_SERVER")
	}
	if base == "" {
		base = "http://" + DefaultServeAddr
	}
	client, err := mockserver.NewClient(base, nil)
	if err != nil {
		return usageErr("%v", err)
	}
	if *token == "" {
		*token = env.getenv("HOOKDRILL_TOKEN")
	}
	client.SetToken(*token)
	if *plat == "" && fs.NArg() == 1 {
		*plat, _ = a.reg.ForEventType(fs.Arg(0)) // unknown: the server answers with the valid types
	}
	req := mockserver.TriggerRequest{Platform: *plat, EventType: fs.Arg(0), Status: *status, ResourceID: *resource,
		WorkspaceID: *workspace, StudyID: *study, EventID: *eventID}
	for _, kv := range extras {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usageErr("--extra %q: want key=value", kv)
		}
		if req.Extra == nil {
			req.Extra = map[string]string{}
		}
		req.Extra[k] = v
	}
	if *payload != "" {
		b, err := readPayload(*payload, env.stdin)
		if err != nil {
			return usageErr("--payload: %v", err)
		}
		if req.Payload, err = hookdrill.ParseObject(b); err != nil {
			return usageErr("--payload: %v", err)
		}
	}

	res, err := client.Trigger(ctx, req)
	if err != nil {
		var ce *mockserver.ControlError
		if errors.As(err, &ce) && ce.Status == 400 {
			return usageErr("%v", ce.Message)
		}
		var op *net.OpError
		if errors.As(err, &op) && op.Op == "dial" {
			return &exitError{code: exitProblem, err: fmt.Errorf("no hookdrill server at %s: start one with `hookdrill serve`", hookdrill.RedactURL(base))}
		}
		return fmt.Errorf("trigger: %w", err)
	}
	out := env.stdout
	text := *format == "text"
	if text {
		out = assert.EscapeWriter(out) // attempt errors carry what receivers answered
	}
	ev := res.Event
	if text {
		fmt.Fprintf(out, "%s %s event %s (resource %s", ev.Platform, ev.Type, ev.ID, orDefault(ev.ResourceID, "-"))
		if ev.Status != "" {
			fmt.Fprintf(out, ", status %s", ev.Status)
		}
		fmt.Fprintln(out, ")")
		for _, d := range res.Deliveries {
			printDispatched(out, d)
		}
		for _, s := range res.Skipped {
			who := "subscription " + s.SubscriptionID
			if s.SubscriptionID == "" {
				who = "webhook " + orDefault(s.WebhookID, "-")
			}
			fmt.Fprintf(out, "  skipped %s %s: %s\n", who, s.TargetURL, s.Reason)
		}
	}
	var ids []string
	for _, d := range res.Deliveries {
		if d.DeliveryID != "" {
			ids = append(ids, d.DeliveryID)
		}
	}
	if *advance && len(ids) > 0 {
		if _, err := client.Advance(ctx, mockserver.AdvanceRequest{UntilIdle: true}); err != nil {
			return fmt.Errorf("advance the server clock: %w", err)
		}
	}
	var dels []hookdrill.Delivery
	var attempts []hookdrill.Attempt
	waitErr := error(nil)
	if *wait > 0 && len(ids) > 0 {
		wctx, cancel := context.WithTimeout(ctx, *wait)
		origins := map[string]time.Time{}
		dels, waitErr = client.WaitDeliveries(wctx, ids, 50*time.Millisecond, func(a hookdrill.Attempt) {
			attempts = append(attempts, a)
			if _, ok := origins[a.DeliveryID]; !ok {
				origins[a.DeliveryID] = a.SimStarted
			}
			if text {
				fmt.Fprintf(out, "  %s", a.DeliveryID)
				printAttempt(out, a, origins[a.DeliveryID])
			}
		})
		cancel()
	}
	if *format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			mockserver.TriggerResult
			Attempts []hookdrill.Attempt  `json:"attempts"`
			Ended    []hookdrill.Delivery `json:"ended"`
		}{res, nonNilSlice(attempts), nonNilSlice(dels)}); err != nil {
			return err
		}
	}
	return triggerVerdict(out, text, res, ids, dels, *wait, waitErr)
}

func printDispatched(w io.Writer, d mockserver.Dispatched) {
	to := "subscription " + d.SubscriptionID
	if d.WorkspaceID != "" {
		to += " (workspace " + d.WorkspaceID + ")"
	}
	if d.WebhookID != "" {
		to = "webhook " + d.WebhookID
	}
	if d.Error != "" {
		fmt.Fprintf(w, "  → %s %s: could not start: %s\n", to, d.TargetURL, d.Error)
		return
	}
	fmt.Fprintf(w, "  → %s %s: delivery %s, X-Event-ID/uuid %s\n", to, d.TargetURL, d.DeliveryID, d.EventID)
}

func triggerVerdict(out io.Writer, text bool, res mockserver.TriggerResult, ids []string, dels []hookdrill.Delivery, wait time.Duration, waitErr error) error {
	if len(res.Deliveries) == 0 {
		return failed("the event went nowhere: no confirmed, enabled subscription (or active webhook) for %s", res.Event.Type)
	}
	var bad []string
	for _, d := range res.Deliveries {
		if d.Error != "" {
			bad = append(bad, d.DeliveryID+" could not start")
		}
	}
	for _, d := range dels {
		if text {
			if d.Status == hookdrill.StatusSucceeded {
				fmt.Fprintf(out, "  %s delivered after %d attempt(s)\n", d.DeliveryID, d.Attempts)
			} else {
				fmt.Fprintf(out, "  %s FAILED after %d attempt(s): %s\n", d.DeliveryID, d.Attempts, orDefault(d.Reason, string(d.Outcome)))
			}
		}
		if d.Status != hookdrill.StatusSucceeded {
			bad = append(bad, d.DeliveryID+" failed")
		}
	}
	if wait > 0 && len(dels) < len(ids) {
		msg := fmt.Sprintf("%d of %d deliveries still pending after %s (the server keeps retrying; see the events log or the journal)",
			len(ids)-len(dels), len(ids), wait)
		if waitErr != nil && !errors.Is(waitErr, context.DeadlineExceeded) {
			msg = fmt.Sprintf("following the deliveries: %v", waitErr)
		}
		bad = append(bad, msg)
	}
	if len(bad) > 0 {
		return failed("%s", strings.Join(bad, "; "))
	}
	return nil
}

func nonNilSlice[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func readPayload(arg string, stdin io.Reader) ([]byte, error) {
	if arg == "@-" {
		return io.ReadAll(io.LimitReader(stdin, 16<<20))
	}
	if strings.HasPrefix(strings.TrimSpace(arg), "{") {
		return []byte(arg), nil
	}
	return os.ReadFile(arg)
}
