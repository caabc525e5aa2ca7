package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/models"
)

func init() { extraCommands = append(extraCommands, userCmd) }

func userCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Add and disable dashboard users"}
	add := &cobra.Command{
		Use:   "add --email E --role admin|moderator",
		Short: "Add a user; the password is read from stdin, or generated and printed once",
		Long: "Add a dashboard user. When standard input is not a terminal, its first line is the password\n" +
			"(at least 12 characters); otherwise a password is generated and printed once.",
		Args: cobra.NoArgs,
		RunE: addUser,
	}
	add.Flags().String("email", "", "the user's email address")
	add.Flags().String("role", "moderator", "admin or moderator")
	disable := &cobra.Command{
		Use:   "disable --email E",
		Short: "Disable a user: they can no longer log in and their sessions end",
		Args:  cobra.NoArgs,
		RunE:  disableUser,
	}
	disable.Flags().String("email", "", "the user's email address")
	for _, c := range []*cobra.Command{add, disable} {
		addConfigFlags(c)
		_ = c.MarkFlagRequired("email")
	}
	cmd.AddCommand(add, disable)
	return cmd
}

// accounts opens the environment and the accounts service (no mail: the
// command line sends none).
func accounts(cmd *cobra.Command) (*env, *auth.Service, error) {
	e, err := openEnv(cmd)
	if err != nil {
		return nil, nil, err
	}
	secret := e.cfg.SecretKey
	if secret == "" {
		if secret, err = keys.DevSecret(cmd.Context(), e.store); err != nil {
			e.close()
			return nil, nil, err
		}
	}
	ring, err := keys.New(secret)
	if err != nil {
		e.close()
		return nil, nil, err
	}
	return e, auth.New(e.store, ring, nil, e.cfg.BaseURL), nil
}

func addUser(cmd *cobra.Command, _ []string) error {
	email, _ := cmd.Flags().GetString("email")
	role, _ := cmd.Flags().GetString("role")
	if !models.Role(role).Valid() {
		return usageError{errors.New("--role must be admin or moderator")}
	}
	password, err := passwordFromStdin(cmd.InOrStdin())
	if err != nil {
		return err
	}
	e, svc, err := accounts(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	got, err := svc.CreateUser(cmd.Context(), email, models.Role(role), password)
	if err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "added %s (%s)\n", auth.NormalizeEmail(email), role)
	if password == "" {
		fmt.Fprintf(out, "password: %s\n(shown once: keep it in a password manager)\n", got)
	}
	return nil
}

// passwordFromStdin reads the first line of standard input when it is not
// a terminal; "" means generate one.
func passwordFromStdin(in io.Reader) (string, error) {
	if f, ok := in.(*os.File); ok {
		st, err := f.Stat()
		if err != nil || st.Mode()&os.ModeCharDevice != 0 {
			return "", nil
		}
	}
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func disableUser(cmd *cobra.Command, _ []string) error {
	email, _ := cmd.Flags().GetString("email")
	e, svc, err := accounts(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	u, err := e.store.UserByEmail(cmd.Context(), email)
	if err != nil {
		return fmt.Errorf("user %s: %w", email, err)
	}
	if err := svc.SetDisabled(cmd.Context(), audit.Actor{}, u.ID, true); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "disabled %s\n", u.Email)
	return nil
}
