// Command undersign runs the undersign service and its operator commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/config"
)

// Exit codes.
const (
	exitFailure = 1
	exitConfig  = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := rootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		os.Exit(report(err))
	}
}

// report prints err as one line and returns the exit code it deserves.
func report(err error) int {
	var cfgErr *config.Error
	if errors.As(err, &cfgErr) {
		fmt.Fprintln(os.Stderr, "undersign: configuration:", cfgErr)
		return exitConfig
	}
	var usage usageError
	if errors.As(err, &usage) {
		fmt.Fprintln(os.Stderr, "undersign:", err)
		return exitConfig
	}
	fmt.Fprintln(os.Stderr, "undersign:", err)
	return exitFailure
}

type usageError struct{ error }

func rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "undersign",
		Short:         "Host a public statement and collect organisations' signatures",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(serveCmd(), migrateCmd(), statementCmd(), healthcheckCmd(), versionCmd())
	for _, add := range extraCommands {
		root.AddCommand(add())
	}
	return root
}

// extraCommands lets other files of this command register subcommands
// (user, export, import...) without editing the list above.
var extraCommands []func() *cobra.Command
