package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/undersign/undersign/app/config"
)

// Sender delivers rendered messages. Send returns one error per message,
// nil for each one delivered.
type Sender interface {
	Send(ctx context.Context, msgs []*Rendered) []error
}

// NewSender returns the SMTP sender configured by UNDERSIGN_SMTP_URL, or,
// when it is empty, a sender that writes every message to the log.
func NewSender(cfg *config.Config, log *slog.Logger) (Sender, error) {
	if cfg.SMTPURL == "" {
		return LogSender{Log: log}, nil
	}
	return NewSMTPSender(cfg.SMTPURL, cfg.MailFrom)
}

// LogSender writes each message, links included, to the log: the
// development default, so that the whole flow works on a fresh machine.
type LogSender struct{ Log *slog.Logger }

// Send logs msgs.
func (s LogSender) Send(ctx context.Context, msgs []*Rendered) []error {
	for _, m := range msgs {
		s.Log.InfoContext(ctx, "mail (no UNDERSIGN_SMTP_URL: logged, not sent)",
			"to", m.To, "subject", m.Subject, "text", m.Text)
	}
	return make([]error, len(msgs))
}

// SMTPSender delivers over SMTP with STARTTLS when the server offers it
// (smtp://), or over implicit TLS (smtps://).
type SMTPSender struct {
	from string
	opts []gomail.Option
	host string
}

// NewSMTPSender parses smtp://user:pass@host:port or smtps://...
func NewSMTPSender(rawURL, from string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("UNDERSIGN_SMTP_URL must look like smtp://user:pass@host:port")
	}
	port := 587
	opts := []gomail.Option{gomail.WithTimeout(30 * time.Second)}
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, gomail.WithSSL())
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("UNDERSIGN_SMTP_URL: bad port %q", p)
		}
	}
	opts = append(opts, gomail.WithPort(port))
	if user := u.User.Username(); user != "" {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(user), gomail.WithPassword(pass))
	}
	return &SMTPSender{from: from, opts: opts, host: u.Hostname()}, nil
}

// Send delivers msgs over one connection.
func (s *SMTPSender) Send(ctx context.Context, msgs []*Rendered) []error {
	errs := make([]error, len(msgs))
	var out []*gomail.Msg
	var idx []int
	for i, r := range msgs {
		m, err := s.build(r)
		if err != nil {
			errs[i] = err
			continue
		}
		out = append(out, m)
		idx = append(idx, i)
	}
	if len(out) == 0 {
		return errs
	}
	client, err := gomail.NewClient(s.host, s.opts...)
	if err != nil {
		for _, i := range idx {
			errs[i] = err
		}
		return errs
	}
	sendErr := client.DialAndSendWithContext(ctx, out...)
	for k, m := range out {
		switch {
		case m.HasSendError():
			errs[idx[k]] = m.SendError()
		case sendErr != nil && !m.IsDelivered():
			errs[idx[k]] = sendErr
		}
	}
	return errs
}

func (s *SMTPSender) build(r *Rendered) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	if err := m.To(r.To); err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	m.Subject(r.Subject)
	m.SetMessageID()
	m.SetDate()
	m.SetBodyString(gomail.TypeTextPlain, r.Text)
	if r.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, r.HTML)
	}
	return m, nil
}
