package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/db"
)

func migrateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "migrate", Short: "Apply, roll back or list database migrations"}
	cmd.AddCommand(
		&cobra.Command{Use: "up", Short: "Apply every pending migration", Args: cobra.NoArgs,
			RunE: withMigrator(func(cmd *cobra.Command, m *db.Migrator) error {
				n, err := m.Up(cmd.Context())
				if err == nil {
					fmt.Fprintf(cmd.OutOrStdout(), "applied %d migration(s)\n", n)
				}
				return err
			})},
		&cobra.Command{Use: "down", Short: "Roll back the latest migration", Args: cobra.NoArgs,
			RunE: withMigrator(func(cmd *cobra.Command, m *db.Migrator) error {
				err := m.Down(cmd.Context())
				if err == nil {
					fmt.Fprintln(cmd.OutOrStdout(), "rolled back one migration")
				}
				return err
			})},
		&cobra.Command{Use: "status", Short: "List migrations and whether each is applied", Args: cobra.NoArgs,
			RunE: withMigrator(func(cmd *cobra.Command, m *db.Migrator) error {
				st, err := m.Status(cmd.Context())
				if err != nil {
					return err
				}
				for _, s := range st {
					state := "pending"
					if s.Applied {
						state = "applied"
					}
					fmt.Fprintf(cmd.OutOrStdout(), "%04d  %-8s %s\n", s.Version, state, s.Name)
				}
				return nil
			})},
	)
	return cmd
}

func withMigrator(fn func(*cobra.Command, *db.Migrator) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		e, err := openEnv(cmd)
		if err != nil {
			return err
		}
		defer e.close()
		m, err := db.NewMigrator(e.db)
		if err != nil {
			return err
		}
		return fn(cmd, m)
	}
}
