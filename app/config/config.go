// Package config owns undersign's runtime configuration: it is read from
// UNDERSIGN_* environment variables (each secret may instead come from a
// file named by *_FILE) and validated before anything starts.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"
)

// Prefix starts the name of every environment variable undersign reads.
const Prefix = "UNDERSIGN_"

// Config is the validated configuration of one undersign process.
type Config struct {
	DatabaseURL     string        `env:"DATABASE_URL" envDefault:"./data/undersign.db" flag:"database-url" usage:"database: an SQLite file path or a postgres:// URL"`
	ReplicaURLs     []string      `env:"DATABASE_REPLICA_URLS" envSeparator:"," flag:"database-replica-urls" secret:"true" usage:"comma-separated read replicas of the database; the public list reads from them"`
	Addr            string        `env:"ADDR" envDefault:"127.0.0.1:8080" flag:"addr" usage:"HTTP listen address"`
	BaseURL         string        `env:"BASE_URL" envDefault:"http://localhost:8080" flag:"base-url" usage:"public URL every absolute link is built from"`
	SecretKey       string        `env:"SECRET_KEY" flag:"secret-key" secret:"true" usage:"secret for HMACs and token encryption (at least 32 characters)"`
	LogFormat       string        `env:"LOG_FORMAT" envDefault:"text" flag:"log-format" usage:"log format: text or json"`
	LogLevel        string        `env:"LOG_LEVEL" envDefault:"info" flag:"log-level" usage:"log level: debug, info, warn or error"`
	MetricsAddr     string        `env:"METRICS_ADDR" flag:"metrics-addr" usage:"listen address of the Prometheus metrics endpoint (off when empty)"`
	SMTPURL         string        `env:"SMTP_URL" flag:"smtp-url" secret:"true" usage:"smtp://user:pass@host:port; empty logs every email instead of sending it"`
	MailFrom        string        `env:"MAIL_FROM" envDefault:"undersign <noreply@localhost>" flag:"mail-from" usage:"From address of outgoing email"`
	TrustedProxies  []string      `env:"TRUSTED_PROXIES" envSeparator:"," flag:"trusted-proxies" usage:"comma-separated IPs or CIDRs whose X-Forwarded-For is believed"`
	ReadTimeout     time.Duration `env:"READ_TIMEOUT" envDefault:"10s" flag:"read-timeout" usage:"HTTP read timeout"`
	WriteTimeout    time.Duration `env:"WRITE_TIMEOUT" envDefault:"15s" flag:"write-timeout" usage:"HTTP write timeout"`
	IdleTimeout     time.Duration `env:"IDLE_TIMEOUT" envDefault:"60s" flag:"idle-timeout" usage:"HTTP keep-alive idle timeout"`
	ShutdownTimeout time.Duration `env:"SHUTDOWN_TIMEOUT" envDefault:"20s" flag:"shutdown-timeout" usage:"how long in-flight requests may take to finish on shutdown"`
	DrainDelay      time.Duration `env:"DRAIN_DELAY" envDefault:"2s" flag:"drain-delay" usage:"on shutdown, how long /readyz answers 503 while requests are still served, so load balancers move away first"`
	BodyLimit       int           `env:"BODY_LIMIT" envDefault:"65536" flag:"body-limit" usage:"largest accepted request body, in bytes"`
	SignRateIP      string        `env:"SIGN_RATE_IP" envDefault:"5/10m" flag:"sign-rate-ip" usage:"sign submissions allowed per client IP, as count/window"`
	SignRateDomain  string        `env:"SIGN_RATE_DOMAIN" envDefault:"20/1h" flag:"sign-rate-domain" usage:"sign submissions allowed per email domain, as count/window"`
	CaptchaRate     string        `env:"CAPTCHA_RATE" envDefault:"60/10m" flag:"captcha-rate" usage:"CAPTCHA challenges created per client IP, as count/window"`
	CacheMaxAge     time.Duration `env:"CACHE_MAX_AGE" envDefault:"30s" flag:"cache-max-age" usage:"Cache-Control max-age of the public API and embeds"`
	DigestInterval  time.Duration `env:"DIGEST_INTERVAL" envDefault:"1h" flag:"digest-interval" usage:"least time between two moderator digests of new pending signatures"`
}

// Error is a configuration error that names the offending variable.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return Prefix + e.Var + ": " + e.Msg }

// Load reads the configuration from environ (KEY=VALUE pairs, as os.Environ
// returns) and validates it.
func Load(environ []string) (*Config, error) {
	vars := env.ToMap(environ)
	if err := resolveFiles(vars); err != nil {
		return nil, err
	}
	var cfg Config
	err := env.ParseWithOptions(&cfg, env.Options{Environment: vars, Prefix: Prefix})
	if err != nil {
		return nil, parseError(err)
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// resolveFiles replaces each UNDERSIGN_X_FILE=path by UNDERSIGN_X=<contents>,
// so that secrets can be mounted as files (Docker, Kubernetes).
func resolveFiles(vars map[string]string) error {
	for k, path := range vars {
		if !strings.HasPrefix(k, Prefix) || !strings.HasSuffix(k, "_FILE") || path == "" {
			continue
		}
		name := strings.TrimSuffix(k, "_FILE")
		if vars[name] != "" {
			return &Error{Var: strings.TrimPrefix(k, Prefix), Msg: "set together with " + name + "; use one of them"}
		}
		b, err := os.ReadFile(path) // #nosec G304 -- the operator names the secret file
		if err != nil {
			return &Error{Var: strings.TrimPrefix(k, Prefix), Msg: "cannot read " + path}
		}
		vars[name] = strings.TrimRight(string(b), "\r\n")
	}
	return nil
}

func parseError(err error) error {
	var agg env.AggregateError
	if errors.As(err, &agg) && len(agg.Errors) > 0 {
		err = agg.Errors[0]
	}
	var pe env.ParseError
	if errors.As(err, &pe) {
		return &Error{Var: varOfField(pe.Name), Msg: "invalid " + pe.Type.String() + " value"}
	}
	return fmt.Errorf("configuration: %w", err)
}

func varOfField(field string) string {
	for _, f := range Fields() {
		if f.Field == field {
			return f.Var
		}
	}
	return field
}

// IsHTTPS tells whether the public base URL is https.
func (c *Config) IsHTTPS() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// IsPostgres tells whether DatabaseURL selects PostgreSQL.
func (c *Config) IsPostgres() bool { return IsPostgresURL(c.DatabaseURL) }

// IsPostgresURL tells whether a database URL selects PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

func (c *Config) validate() error {
	checks := []struct {
		v   string
		err string
	}{
		{"DATABASE_URL", nonEmpty(c.DatabaseURL)},
		{"DATABASE_REPLICA_URLS", c.replicas()},
		{"ADDR", hostPort(c.Addr)},
		{"BASE_URL", baseURL(c.BaseURL)},
		{"SECRET_KEY", c.secretKey()},
		{"LOG_FORMAT", oneOf(c.LogFormat, "text", "json")},
		{"LOG_LEVEL", oneOf(c.LogLevel, "debug", "info", "warn", "error")},
		{"METRICS_ADDR", optional(c.MetricsAddr, hostPort)},
		{"SMTP_URL", optional(c.SMTPURL, smtpURL)},
		{"TRUSTED_PROXIES", proxies(c.TrustedProxies)},
		{"BODY_LIMIT", positive(c.BodyLimit)},
		{"SIGN_RATE_IP", rate(c.SignRateIP)},
		{"SIGN_RATE_DOMAIN", rate(c.SignRateDomain)},
		{"CAPTCHA_RATE", rate(c.CaptchaRate)},
		{"READ_TIMEOUT", positive(int(c.ReadTimeout))},
		{"WRITE_TIMEOUT", positive(int(c.WriteTimeout))},
		{"SHUTDOWN_TIMEOUT", positive(int(c.ShutdownTimeout))},
	}
	for _, ch := range checks {
		if ch.err != "" {
			return &Error{Var: ch.v, Msg: ch.err}
		}
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	return nil
}

func (c *Config) replicas() string {
	for _, r := range c.ReplicaURLs {
		if strings.TrimSpace(r) == "" || IsPostgresURL(r) != c.IsPostgres() {
			return "each replica must be a database of the same kind as UNDERSIGN_DATABASE_URL"
		}
	}
	return ""
}

func (c *Config) secretKey() string {
	switch {
	case c.SecretKey == "" && c.IsHTTPS():
		return "required when BASE_URL is https"
	case c.SecretKey != "" && len(c.SecretKey) < 32:
		return "must be at least 32 characters"
	}
	return ""
}

func nonEmpty(s string) string {
	if strings.TrimSpace(s) == "" {
		return "must not be empty"
	}
	return ""
}

func hostPort(s string) string {
	if _, _, err := net.SplitHostPort(s); err != nil {
		return fmt.Sprintf("%q is not host:port", s)
	}
	return ""
}

func baseURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%q is not an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "must not carry a query or fragment"
	}
	return ""
}

func smtpURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return "must look like smtp://user:pass@host:port"
	}
	return ""
}

func oneOf(s string, allowed ...string) string {
	for _, a := range allowed {
		if s == a {
			return ""
		}
	}
	return fmt.Sprintf("%q is not one of %s", s, strings.Join(allowed, ", "))
}

func optional(s string, check func(string) string) string {
	if s == "" {
		return ""
	}
	return check(s)
}

func positive(n int) string {
	if n <= 0 {
		return "must be positive"
	}
	return ""
}

func proxies(list []string) string {
	for _, p := range list {
		p = strings.TrimSpace(p)
		if net.ParseIP(p) != nil {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil {
			return fmt.Sprintf("%q is neither an IP nor a CIDR", p)
		}
	}
	return ""
}

func rate(s string) string {
	if _, _, err := ParseRate(s); err != nil {
		return err.Error()
	}
	return ""
}
