package web

import (
	"bytes"
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// auditView is the audit trail with its filters.
type auditView struct {
	Events     []auditRow
	Actions    []string
	Users      []models.User
	Statements []models.Statement
	Action     string
	Actor      int64
	Statement  int64
	Target     string
	TargetID   int64
	NextURL    string
	// TargetTypes lists the target filter's choices.
	TargetTypes []string
}

type auditRow struct {
	models.AuditEvent
	When string
}

const auditPageSize = 100

func (h *admin) auditTrail(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := auditView{Actions: audit.Actions, Action: c.Query("action"), Target: c.Query("target"),
		TargetTypes: []string{audit.TargetSignature, audit.TargetUser, audit.TargetStatement, audit.TargetReason}}
	v.Actor, _ = strconv.ParseInt(c.Query("actor"), 10, 64)
	v.Statement, _ = strconv.ParseInt(c.Query("statement"), 10, 64)
	v.TargetID, _ = strconv.ParseInt(c.Query("target_id"), 10, 64)
	before, _ := strconv.ParseInt(c.Query("before"), 10, 64)
	switch v.Target {
	case audit.TargetSignature, audit.TargetUser, audit.TargetStatement, audit.TargetReason:
	default:
		v.Target = ""
	}
	events, err := h.store.AuditEvents(ctx, store.AuditFilter{Action: v.Action, ActorID: v.Actor,
		StatementID: v.Statement, TargetType: v.Target, TargetID: v.TargetID, Before: before, Limit: auditPageSize})
	if err != nil {
		return err
	}
	for _, e := range events {
		v.Events = append(v.Events, auditRow{AuditEvent: e, When: fmtTime(e.CreatedAt)})
	}
	if len(events) == auditPageSize {
		q := url.Values{}
		for k, val := range map[string]string{"action": v.Action, "target": v.Target} {
			if val != "" {
				q.Set(k, val)
			}
		}
		for k, n := range map[string]int64{"actor": v.Actor, "statement": v.Statement, "target_id": v.TargetID} {
			if n != 0 {
				q.Set(k, itoa(n))
			}
		}
		q.Set("before", itoa(events[len(events)-1].ID))
		v.NextURL = "/admin/audit?" + q.Encode()
	}
	if v.Users, err = h.store.Users(ctx); err != nil {
		return err
	}
	if v.Statements, err = h.store.Statements(ctx); err != nil {
		return err
	}
	return h.render(c, "admin/audit", h.locale(c).T("admin.audit.heading"), v)
}

// export sends a statement's signatures, personal data included, as CSV or
// JSON; every export is audited.
func (h *admin) export(c *fiber.Ctx) error {
	st, err := h.statement(c)
	if err != nil {
		return err
	}
	format := c.FormValue("format")
	if format != moderation.FormatJSON {
		format = moderation.FormatCSV
	}
	var buf bytes.Buffer
	if err := h.mod.Export(c.UserContext(), h.actor(c), st, format, &buf); err != nil {
		return err
	}
	name := st.Slug + "-signatures-" + time.Now().UTC().Format("20060102-1504") + "." + format
	ctype := "text/csv; charset=utf-8"
	if format == moderation.FormatJSON {
		ctype = fiber.MIMEApplicationJSONCharsetUTF8
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	return c.Send(buf.Bytes())
}
