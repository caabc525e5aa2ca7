// Package mail owns undersign's outgoing email: a transactional outbox
// (messages are rendered and sealed when the change that causes them is
// written, in the same transaction), the templates in views/mail, and the
// worker that delivers the outbox over SMTP, or to the log when no SMTP
// server is configured.
//
// Any domain sends mail the same way, inside its own transaction:
//
//	ob := mail.NewOutbox(cfg, ring)
//	err := st.Tx(ctx, func(tx *store.Store) error {
//		// ... change rows with tx ...
//		return ob.Enqueue(ctx, tx, mail.Message{To: addr, Template: "decision", Data: d})
//	})
//
// The message is then sent once by whichever instance's worker claims it.
package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"strings"
	"sync"
	texttemplate "text/template"
	"time"

	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
	"github.com/undersign/undersign/views"
)

// Message is an email to queue.
type Message struct {
	// To is the recipient's address.
	To string
	// Template names views/mail/<Template>.txt (required; it defines the
	// subject with {{define "subject"}}) and views/mail/<Template>.html
	// (optional HTML alternative).
	Template string
	// Data is the templates' .Data; .BaseURL is UNDERSIGN_BASE_URL. Build
	// links with Outbox.Link so that they only ever use the base URL.
	Data any
	// Lang is the recipient's language, a BCP 47 code ("uk", "zh-Hans"):
	// the templates' .T, .Date and .Num speak it, and .Lang names it.
	// Empty or not supported: English.
	Lang string
}

// Rendered is a message ready to send; it is what the outbox seals.
type Rendered struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html,omitempty"`
}

// Outbox renders messages and queues them in the database.
type Outbox struct {
	baseURL string
	keys    *keys.Ring
	now     func() time.Time
	wake    chan struct{}
}

// NewOutbox returns an outbox whose links start with cfg.BaseURL and whose
// payloads are sealed with ring.
func NewOutbox(cfg *config.Config, ring *keys.Ring) *Outbox {
	return &Outbox{baseURL: cfg.BaseURL, keys: ring, now: func() time.Time { return time.Now().UTC() },
		wake: make(chan struct{}, 1)}
}

// Link is the absolute URL of path on this site, built from
// UNDERSIGN_BASE_URL and never from a request's Host header.
func (o *Outbox) Link(path string) string { return o.baseURL + path }

// Enqueue renders msg and writes it to the outbox through st. Pass the
// transaction's store (the one store.Tx hands to its function) so that the
// message is sent if and only if the transaction commits. The rendered
// message is sealed: the database never holds a link's raw token in clear.
func (o *Outbox) Enqueue(ctx context.Context, st *store.Store, msg Message) error {
	s, err := o.Seal(msg)
	if err != nil {
		return err
	}
	return o.EnqueueSealed(ctx, st, s)
}

// Sealed is a message rendered and sealed, ready to queue.
type Sealed struct {
	kind, to string
	payload  []byte
}

// Seal renders and seals msg. Rendering costs more CPU than writing the
// row: a caller that knows the message before its transaction seals it
// first, so that the transaction does not wait on templates.
func (o *Outbox) Seal(msg Message) (*Sealed, error) {
	r, err := o.Render(msg)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	sealed, err := o.keys.Seal(plain)
	if err != nil {
		return nil, fmt.Errorf("seal mail: %w", err)
	}
	return &Sealed{kind: msg.Template, to: msg.To, payload: sealed}, nil
}

// EnqueueSealed writes a sealed message to the outbox through st, as
// Enqueue does.
func (o *Outbox) EnqueueSealed(ctx context.Context, st *store.Store, s *Sealed) error {
	now := o.now()
	return st.InsertOutbox(ctx, &models.OutboxMessage{Kind: s.kind, Recipient: s.to,
		Payload: s.payload, Status: models.OutboxPending, NextAttemptAt: now, CreatedAt: now})
}

// Wake tells this instance's worker that messages are waiting, so that it
// sends them now instead of at its next poll. Call it after the
// transaction that enqueued them committed; it never blocks.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Render fills msg's templates.
func (o *Outbox) Render(msg Message) (*Rendered, error) {
	t, err := loadTemplates()
	if err != nil {
		return nil, err
	}
	set, ok := t[msg.Template]
	if !ok {
		return nil, fmt.Errorf("mail template %q does not exist", msg.Template)
	}
	loc := catalog().Choose(msg.Lang, "", "")
	data := templateData{BaseURL: o.baseURL, Data: msg.Data, Lang: loc.Code(), loc: loc}
	r := &Rendered{To: msg.To}
	var buf bytes.Buffer
	if err := set.text.ExecuteTemplate(&buf, "subject", data); err != nil {
		return nil, fmt.Errorf("mail %s subject: %w", msg.Template, err)
	}
	r.Subject = strings.Join(strings.Fields(buf.String()), " ")
	buf.Reset()
	if err := set.text.Execute(&buf, data); err != nil {
		return nil, fmt.Errorf("mail %s text: %w", msg.Template, err)
	}
	r.Text = strings.TrimLeft(buf.String(), "\n")
	if set.html != nil {
		buf.Reset()
		if err := set.html.Execute(&buf, data); err != nil {
			return nil, fmt.Errorf("mail %s html: %w", msg.Template, err)
		}
		r.HTML = buf.String()
	}
	return r, nil
}

type templateData struct {
	BaseURL string
	Data    any
	Lang    string
	loc     *i18n.Locale
}

// T translates a message id into the recipient's language.
func (d templateData) T(id string, args ...any) string { return d.loc.T(id, args...) }

// Date writes a date the recipient's way.
func (d templateData) Date(t time.Time) string { return d.loc.Date(t) }

// Num writes a number the recipient's way.
func (d templateData) Num(n any) string { return d.loc.Num(n) }

// catalog is the translations, loaded once; they are embedded, so loading
// cannot fail but by a build defect.
var catalog = sync.OnceValue(i18n.MustLoad)

type templateSet struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

var templates struct {
	once sync.Once
	sets map[string]templateSet
	err  error
}

// loadTemplates parses views/mail once: each message's files form their own
// set, so that every .txt may define its own "subject".
func loadTemplates() (map[string]templateSet, error) {
	templates.once.Do(func() {
		templates.sets, templates.err = parseTemplates(views.FS)
	})
	return templates.sets, templates.err
}

func parseTemplates(fsys fs.FS) (map[string]templateSet, error) {
	names, err := fs.Glob(fsys, "mail/*.txt")
	if err != nil {
		return nil, err
	}
	sets := make(map[string]templateSet, len(names))
	for _, path := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "mail/"), ".txt")
		var set templateSet
		if set.text, err = texttemplate.ParseFS(fsys, path); err != nil {
			return nil, fmt.Errorf("mail template %s: %w", path, err)
		}
		if set.text.Lookup("subject") == nil {
			return nil, fmt.Errorf("mail template %s: no {{define \"subject\"}}", path)
		}
		htmlPath := "mail/" + name + ".html"
		if _, err := fs.Stat(fsys, htmlPath); err == nil {
			if set.html, err = htmltemplate.ParseFS(fsys, htmlPath); err != nil {
				return nil, fmt.Errorf("mail template %s: %w", htmlPath, err)
			}
		}
		sets[name] = set
	}
	return sets, nil
}

// CheckTemplates parses every mail template, so that a broken one fails at
// start-up rather than when the first message is queued.
func CheckTemplates(names ...string) error {
	sets, err := loadTemplates()
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, ok := sets[n]; !ok {
			return fmt.Errorf("mail template %q is missing", n)
		}
	}
	return nil
}
