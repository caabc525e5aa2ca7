package apptest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// Mailpit is a real SMTP server (github.com/axllent/mailpit) on loopback
// ports, read back through its HTTP API. Install it with
// `go install github.com/axllent/mailpit@v1.33.1`.
type Mailpit struct {
	// SMTPURL is the value for UNDERSIGN_SMTP_URL.
	SMTPURL string
	// SMTPPort is the port the SMTP server listens on.
	SMTPPort int
	api      string
	cmd      *exec.Cmd
	bin      string
	dir      string
}

// MailpitMessage is a message as mailpit's API returns it.
type MailpitMessage struct {
	ID      string
	Subject string
	To      []struct{ Name, Address string }
	From    struct{ Name, Address string }
	Text    string
	HTML    string
}

// mailpitBin finds the mailpit binary: on PATH, else in GOBIN or GOPATH/bin.
func mailpitBin() string {
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	var dirs []string
	if d := os.Getenv("GOBIN"); d != "" {
		dirs = append(dirs, d)
	}
	if d := os.Getenv("GOPATH"); d != "" {
		dirs = append(dirs, filepath.Join(d, "bin"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, "go", "bin"))
	}
	for _, d := range dirs {
		p := filepath.Join(d, "mailpit")
		if _, err := os.Stat(p); err == nil { // #nosec G703 -- looks for the mailpit binary in the developer's Go bin dirs
			return p
		}
	}
	return ""
}

// StartMailpit starts mailpit until the test ends. Without the binary the
// test is skipped, unless UNDERSIGN_REQUIRE_MAILPIT=1 (CI) makes it fail.
func StartMailpit(t testing.TB) *Mailpit {
	t.Helper()
	bin := mailpitBin()
	if bin == "" {
		msg := "mailpit is not installed (go install github.com/axllent/mailpit@v1.33.1)"
		if os.Getenv("UNDERSIGN_REQUIRE_MAILPIT") == "1" {
			t.Fatal(msg + " and UNDERSIGN_REQUIRE_MAILPIT=1")
		}
		t.Skip(msg)
	}
	smtpPort, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailpit{bin: bin, dir: t.TempDir(), SMTPPort: smtpPort,
		SMTPURL: fmt.Sprintf("smtp://127.0.0.1:%d", smtpPort)}
	m.Start(t)
	t.Cleanup(m.Stop)
	return m
}

// Start (re)starts the server on the same SMTP port, keeping its messages.
func (m *Mailpit) Start(t testing.TB) {
	t.Helper()
	httpPort, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	m.api = fmt.Sprintf("http://127.0.0.1:%d", httpPort)
	m.cmd = exec.Command(m.bin, // #nosec G204 -- the test's own binary and ports
		"--smtp", fmt.Sprintf("127.0.0.1:%d", m.SMTPPort), "--listen", fmt.Sprintf("127.0.0.1:%d", httpPort),
		"--database", filepath.Join(m.dir, "mailpit.db"), "--smtp-disable-rdns", "--disable-version-check", "--quiet")
	if os.Getenv("UNDERSIGN_TEST_LOG") == "1" {
		m.cmd.Stdout, m.cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("start mailpit: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(m.api + "/api/v1/messages")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			m.Stop()
			t.Fatalf("mailpit did not answer on %s: %v", m.api, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop ends the server, as an SMTP outage would.
func (m *Mailpit) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
	m.cmd = nil
}

// Messages lists the received messages, newest first, with their bodies.
func (m *Mailpit) Messages(t testing.TB) []MailpitMessage {
	t.Helper()
	var list struct{ Messages []MailpitMessage }
	m.get(t, "/api/v1/messages?limit=500", &list)
	out := make([]MailpitMessage, 0, len(list.Messages))
	for _, s := range list.Messages {
		var full MailpitMessage
		m.get(t, "/api/v1/message/"+url.PathEscape(s.ID), &full)
		out = append(out, full)
	}
	return out
}

// WaitForMessages returns the messages once at least n arrived; mailpit
// stores a message just after acknowledging it, so a read right after a
// send may briefly miss it.
func (m *Mailpit) WaitForMessages(t testing.TB, n int) []MailpitMessage {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := m.Messages(t)
		if len(msgs) >= n || time.Now().After(deadline) {
			return msgs
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (m *Mailpit) get(t testing.TB, path string, into any) {
	t.Helper()
	resp, err := http.Get(m.api + path)
	if err != nil {
		t.Fatalf("mailpit API: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpit API %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("mailpit API %s: %v", path, err)
	}
}
