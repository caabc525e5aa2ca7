package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/backup"
	"github.com/undersign/undersign/app/db"
)

func init() { extraCommands = append(extraCommands, exportCmd, importCmd) }

const backupCarries = `The backup carries statements, statement versions, settings (with the generated
secret key, if any), users, invite and reset tokens (as hashes), recovery codes,
reason codes, signatures, approved counts and the audit trail. It leaves out
working state that an instance rebuilds or that expires on its own: the mail
outbox, dashboard sessions, CAPTCHA challenges and rate-limit counters (and the
list's daily tallies, which the database recomputes from the signatures).
It holds personal data: keep it as safe as the database.`

func exportCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "export --all FILE",
		Short: "Write the whole instance to a gzipped backup file that either database can import",
		Long: "Write every table of the instance, as of one moment, to FILE (\"-\" for standard output):\n" +
			"gzipped JSON lines with a row count and a SHA-256 checksum per table. The service may keep\n" +
			"running. Import it with 'undersign import FILE', into SQLite or PostgreSQL.\n\n" + backupCarries,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !all {
				return usageError{errors.New("export needs --all: only whole-instance backups exist")}
			}
			return exportAll(cmd, args[0])
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "export the whole instance")
	addConfigFlags(cmd)
	return cmd
}

func importCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "import [--force] FILE",
		Short: "Restore a backup made by 'undersign export --all' into the configured database",
		Long: "Migrate the database, check FILE (\"-\" for standard input) whole, then restore it in one\n" +
			"transaction: every table's rows with their ids, checked against the file's counts and\n" +
			"checksums, and read back to check that the database holds what the file does. A database\n" +
			"that already holds statements, signatures, users or audit events is refused unless --force\n" +
			"is given; then its data is replaced, and everyone must log in again. Stop the service first.\n\n" +
			backupCarries,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return importFile(cmd, args[0], force) },
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace the data of a database that already holds some")
	addConfigFlags(cmd)
	return cmd
}

func exportAll(cmd *cobra.Command, path string) error {
	e, err := openEnv(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	ctx := cmd.Context()
	schema, pending, err := schemaVersion(ctx, e.db)
	if err != nil {
		return err
	}
	if pending {
		return errors.New("migrations are pending: run 'undersign migrate up' before exporting")
	}
	if path == "-" {
		m, err := backup.Export(ctx, e.store, schema, cmd.OutOrStdout())
		if err != nil {
			return err
		}
		printManifest(cmd.ErrOrStderr(), "exported", m)
		return nil
	}
	// Written beside the target and renamed at the end, so that FILE is
	// never a partial backup.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".undersign-export-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	m, err := backup.Export(ctx, e.store, schema, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	printManifest(cmd.OutOrStdout(), "exported to "+path, m)
	return nil
}

func importFile(cmd *cobra.Command, path string, force bool) error {
	var in io.Reader = cmd.InOrStdin()
	if path != "-" {
		f, err := os.Open(path) // #nosec G304 -- the operator names the file
		if err != nil {
			return err
		}
		defer f.Close()
		// Check the whole file before the database is touched.
		if _, err := backup.Verify(f); err != nil {
			return err
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		in = f
	}
	e, err := openEnv(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	ctx := cmd.Context()
	m, err := db.NewMigrator(e.db)
	if err != nil {
		return err
	}
	if _, err := m.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	schema, _, err := schemaVersion(ctx, e.db)
	if err != nil {
		return err
	}
	man, err := backup.Import(ctx, e.store, in, backup.Options{Schema: schema, Force: force})
	if errors.Is(err, backup.ErrNotEmpty) {
		return fmt.Errorf("%w; nothing was changed (--force replaces it)", err)
	}
	if err != nil {
		return fmt.Errorf("import: %w; nothing was changed", err)
	}
	printManifest(cmd.OutOrStdout(), "imported from "+path, man)
	return nil
}

// schemaVersion is the latest applied migration, and whether some are
// still pending.
func schemaVersion(ctx context.Context, d *db.DB) (int64, bool, error) {
	m, err := db.NewMigrator(d)
	if err != nil {
		return 0, false, err
	}
	st, err := m.Status(ctx)
	if err != nil {
		return 0, false, err
	}
	var latest int64
	pending := false
	for _, s := range st {
		if s.Applied {
			latest = max(latest, s.Version)
		} else {
			pending = true
		}
	}
	return latest, pending, nil
}

func printManifest(w io.Writer, what string, m *backup.Manifest) {
	var total int64
	for _, t := range m.Tables {
		fmt.Fprintf(w, "  %-20s %9d rows  sha256 %s\n", t.Table, t.Rows, t.SHA256)
		total += t.Rows
	}
	fmt.Fprintf(w, "%s: %d rows in %d tables (schema %d, from %s)\n", what, total, len(m.Tables), m.Schema, m.Dialect)
}
