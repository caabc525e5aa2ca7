package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// queueView is the moderation queue of one statement.
type queueView struct {
	Statement *models.Statement
	Filter    queueFilterForm
	Items     []moderation.QueueItem
	NextURL   string
	Reasons   []models.ReasonCode
	IsAdmin   bool
	Return    string
	Statuses  []models.SignatureStatus
	loc       *i18n.Locale
}

// Signals pairs a row with the page's locale for the admin/signals template.
func (v queueView) Signals(it moderation.QueueItem) signalsView {
	return signalsView{QueueItem: it, L: v.loc}
}

// queueFilterForm is the queue's filter form, as typed.
type queueFilterForm struct {
	Status, Country, Kind, Verified, From, To, Q string
}

func (h *admin) statement(c *fiber.Ctx) (*models.Statement, error) {
	st, err := h.store.StatementBySlug(c.UserContext(), c.Params("slug"))
	if errors.Is(err, db.ErrNotFound) {
		return nil, errNotFound
	}
	return st, err
}

func queuePath(st *models.Statement) string { return "/admin/s/" + st.Slug + "/signatures" }

func (h *admin) queue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	st, err := h.statement(c)
	if err != nil {
		return err
	}
	form := queueFilterForm{Status: c.Query("status", string(models.StatusPending)), Country: c.Query("country"),
		Kind: c.Query("kind"), Verified: c.Query("verified"), From: c.Query("from"), To: c.Query("to"), Q: c.Query("q")}
	f := queueFilter(st.ID, &form)
	if after, err := strconv.ParseInt(c.Query("after"), 10, 64); err == nil && after > 0 {
		f.After = after
	}
	page, err := h.mod.Queue(ctx, f)
	if err != nil {
		return err
	}
	reasons, err := h.store.ReasonCodes(ctx, true)
	if err != nil {
		return err
	}
	v := queueView{Statement: st, Filter: form, Items: page.Items, Reasons: reasons, IsAdmin: user(c).IsAdmin(),
		Return: c.OriginalURL(), Statuses: displayStatuses, loc: h.locale(c)}
	if page.Next != 0 {
		q := form.values()
		q.Set("after", strconv.FormatInt(page.Next, 10))
		v.NextURL = queuePath(st) + "?" + q.Encode()
	}
	return h.render(c, "admin/queue", v.loc.T("admin.queue.heading", "Title", st.Title), v)
}

// queueFilter turns the form into a store filter, dropping values that do
// not parse (the form shows them as typed).
func queueFilter(statementID int64, form *queueFilterForm) store.QueueFilter {
	f := store.QueueFilter{StatementID: statementID}
	switch s := models.SignatureStatus(form.Status); s {
	case models.StatusPending, models.StatusApproved, models.StatusRejected, models.StatusSpam,
		models.StatusUnconfirmed, models.StatusWithdrawn:
		f.Status = s
	default:
		form.Status = "all"
	}
	if c := strings.ToUpper(strings.TrimSpace(form.Country)); len(c) == 2 {
		f.Country = c
	}
	if k := models.SignerKind(form.Kind); k == models.KindOrganisation || k == models.KindIndividual {
		f.Kind = k
	}
	switch form.Verified {
	case "yes", "no":
		b := form.Verified == "yes"
		f.Verified = &b
	}
	if t, err := time.Parse("2006-01-02", form.From); err == nil {
		f.From = &t
	}
	if t, err := time.Parse("2006-01-02", form.To); err == nil {
		t = t.Add(24 * time.Hour)
		f.To = &t
	}
	if len(form.Q) > 200 {
		form.Q = form.Q[:200]
	}
	f.Search = form.Q
	return f
}

func (f queueFilterForm) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": f.Status, "country": f.Country, "kind": f.Kind,
		"verified": f.Verified, "from": f.From, "to": f.To, "q": f.Q} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// signatureView is one signature with everything a moderator may do.
type signatureView struct {
	Statement *models.Statement
	Sig       *models.Signature
	Item      moderation.QueueItem
	Reasons   []models.ReasonCode
	Edit      moderation.Edit
	Errors    map[string]string
	Problem   string // a conflict or refusal, shown at the top
	Reason    string // the reason and note typed, kept on error
	Note      string
	Notify    bool
	Return    string
	loc       *i18n.Locale
}

// Signals pairs the signature's signals with the page's locale.
func (v *signatureView) Signals() signalsView { return signalsView{QueueItem: v.Item, L: v.loc} }

func (h *admin) signature(c *fiber.Ctx) error {
	st, err := h.statement(c)
	if err != nil {
		return err
	}
	id, err := idParam(c)
	if err != nil {
		return err
	}
	v, err := h.signatureView(c, st, id)
	if err != nil {
		return err
	}
	v.Return = safeNext(c.Query("return", queuePath(st)))
	return h.render(c, "admin/signature", v.Sig.Name, v)
}

// signatureView loads a signature of st; one of another statement is not
// found, whatever its id.
func (h *admin) signatureView(c *fiber.Ctx, st *models.Statement, id int64) (*signatureView, error) {
	ctx := c.UserContext()
	sig, err := h.store.SignatureByID(ctx, id)
	if errors.Is(err, db.ErrNotFound) || (err == nil && sig.StatementID != st.ID) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, err
	}
	row := store.QueueRow{ID: sig.ID, Status: sig.Status, Version: sig.Version, Kind: sig.Kind, Name: sig.Name,
		NameNorm: sig.NameNorm, Website: sig.Website, WebsiteDomain: sig.WebsiteDomain, OrgType: sig.OrgType,
		Country: sig.Country, City: sig.City, Email: sig.Email, EmailDomain: sig.EmailDomain, Comment: sig.Comment,
		DomainVerified: sig.DomainVerified, IPHMAC: sig.IPHMAC, ReasonCode: sig.ReasonCode, CreatedAt: sig.CreatedAt}
	item, err := h.mod.Signals(ctx, st.ID, row)
	if err != nil {
		return nil, err
	}
	reasons, err := h.store.ReasonCodes(ctx, true)
	if err != nil {
		return nil, err
	}
	return &signatureView{Statement: st, Sig: sig, Item: item, Reasons: reasons, loc: h.locale(c),
		Edit: moderation.Edit{Version: sig.Version, Name: sig.Name, Website: sig.Website, OrgType: sig.OrgType,
			Country: sig.Country, City: sig.City, Comment: sig.Comment}}, nil
}

// signatureForm reads what every form about one signature names: the
// statement, the signature id and the version the moderator saw.
func (h *admin) signatureForm(c *fiber.Ctx) (*models.Statement, int64, int, error) {
	st, err := h.statement(c)
	if err != nil {
		return nil, 0, 0, err
	}
	id, err := idParam(c)
	if err != nil {
		return nil, 0, 0, err
	}
	version, _ := strconv.Atoi(c.FormValue("version"))
	return st, id, version, nil
}

// decide applies one decision to one signature.
func (h *admin) decide(c *fiber.Ctx) error {
	st, id, version, err := h.signatureForm(c)
	if err != nil {
		return err
	}
	d := moderation.Decision{SignatureID: id, StatementID: st.ID, Version: version,
		Action: moderation.Action(formValue(c, "action")), ReasonCode: formValue(c, "reason"),
		Note: truncateRunes(strings.TrimSpace(formValue(c, "note")), 2000), Notify: c.FormValue("notify") == "1"}
	_, err = h.mod.Decide(c.UserContext(), h.actor(c), d)
	ret := safeNext(formValue(c, "return"))
	loc := h.locale(c)
	switch {
	case err == nil:
		return c.Redirect(withMsg(ret, flashForAction(d.Action)), fiber.StatusSeeOther)
	case errors.Is(err, db.ErrNotFound):
		return errNotFound
	case errors.Is(err, moderation.ErrConflict):
		return h.signatureProblem(c, st, id, fiber.StatusConflict, loc.T("admin.problem.conflict"), ret, nil)
	case errors.Is(err, moderation.ErrNotAllowed):
		return h.signatureProblem(c, st, id, fiber.StatusConflict, loc.T("admin.problem.not_allowed"), ret, nil)
	case errors.Is(err, moderation.ErrReasonRequired):
		return h.signatureProblem(c, st, id, formErrorStatus, "", ret, func(v *signatureView) {
			v.Errors = map[string]string{"reason": loc.T("admin.problem.reason_required")}
			v.Note, v.Notify = d.Note, d.Notify
		})
	}
	return err
}

// signatureProblem shows the signature again, as it is now, with what went
// wrong.
func (h *admin) signatureProblem(c *fiber.Ctx, st *models.Statement, id int64, status int, problem, ret string, edit func(*signatureView)) error {
	v, err := h.signatureView(c, st, id)
	if err != nil {
		return err
	}
	v.Problem, v.Return = problem, ret
	if edit != nil {
		edit(v)
	}
	c.Status(status)
	return h.render(c, "admin/signature", v.Sig.Name, v)
}

func flashForAction(a moderation.Action) string {
	switch a {
	case moderation.Approve:
		return "approved"
	case moderation.Reject:
		return "rejected"
	case moderation.Spam:
		return "spam"
	}
	return "pending"
}

// withMsg adds ?msg= to a local path.
func withMsg(path, msg string) string {
	u, err := url.Parse(path)
	if err != nil {
		return "/admin"
	}
	q := u.Query()
	q.Set("msg", msg)
	u.RawQuery = q.Encode()
	return u.String()
}

// edit corrects a signature's public fields.
func (h *admin) edit(c *fiber.Ctx) error {
	st, id, version, err := h.signatureForm(c)
	if err != nil {
		return err
	}
	e := moderation.Edit{SignatureID: id, StatementID: st.ID, Version: version, Name: formValue(c, "name"),
		Website: formValue(c, "website"), OrgType: formValue(c, "org_type"), Country: formValue(c, "country"),
		City: formValue(c, "city"), Comment: formValue(c, "comment")}
	_, err = h.mod.EditSignature(c.UserContext(), h.actor(c), e)
	ret := safeNext(formValue(c, "return"))
	loc := h.locale(c)
	var fe moderation.FieldErrors
	switch {
	case err == nil:
		return c.Redirect(withMsg("/admin/s/"+st.Slug+"/signatures/"+strconv.FormatInt(id, 10)+"?return="+url.QueryEscape(ret), "edited"), fiber.StatusSeeOther)
	case errors.As(err, &fe):
		return h.signatureProblem(c, st, id, formErrorStatus, "", ret, func(v *signatureView) {
			v.Errors, v.Edit = fieldErrors(loc, fe), e
		})
	case errors.Is(err, db.ErrNotFound):
		return errNotFound
	case errors.Is(err, moderation.ErrConflict):
		return h.signatureProblem(c, st, id, fiber.StatusConflict, loc.T("admin.problem.conflict"), ret, nil)
	case errors.Is(err, moderation.ErrNotAllowed):
		return h.signatureProblem(c, st, id, fiber.StatusConflict, loc.T("admin.problem.not_editable"), ret, nil)
	}
	return err
}

// bulkView asks to confirm a bulk decision.
type bulkView struct {
	Statement *models.Statement
	Action    moderation.Action
	Label     string
	Rows      []bulkRow
	Reason    string
	ReasonLbl string
	Note      string
	Notify    bool
	Return    string
}

type bulkRow struct {
	Sel  string
	Name string
	Now  models.SignatureStatus
}

// bulk applies approve or reject to the selected rows, after a
// confirmation page: emails cannot be taken back.
func (h *admin) bulk(c *fiber.Ctx) error {
	ctx := c.UserContext()
	st, err := h.statement(c)
	if err != nil {
		return err
	}
	ret := safeNext(formValue(c, "return"))
	items := parseSelection(formValues(c, "sel"))
	action := moderation.Action(formValue(c, "action"))
	if len(items) == 0 || (action != moderation.Approve && action != moderation.Reject) {
		return c.Redirect(withMsg(ret, "none-selected"), fiber.StatusSeeOther)
	}
	d := moderation.Decision{Action: action, ReasonCode: formValue(c, "reason"),
		Note: truncateRunes(strings.TrimSpace(formValue(c, "note")), 2000), Notify: c.FormValue("notify") == "1"}
	if c.FormValue("confirm") != "1" {
		return h.bulkConfirm(c, st, items, d, ret)
	}
	res, err := h.mod.Bulk(ctx, h.actor(c), st.ID, items, d)
	if errors.Is(err, moderation.ErrReasonRequired) {
		return h.bulkConfirm(c.Status(formErrorStatus), st, items, d, ret)
	}
	if err != nil {
		return err
	}
	u, _ := url.Parse(withMsg(ret, "bulk"))
	q := u.Query()
	q.Set("done", strconv.Itoa(len(res.Done)))
	q.Set("skipped", strconv.Itoa(len(res.Conflicts)+len(res.NotAllowed)+len(res.NotFound)))
	u.RawQuery = q.Encode()
	return c.Redirect(u.String(), fiber.StatusSeeOther)
}

func (h *admin) bulkConfirm(c *fiber.Ctx, st *models.Statement, items []moderation.BulkItem, d moderation.Decision, ret string) error {
	ctx := c.UserContext()
	loc := h.locale(c)
	v := bulkView{Statement: st, Action: d.Action, Label: actionLabel(loc, d.Action), Reason: d.ReasonCode,
		Note: d.Note, Notify: d.Notify, Return: ret}
	if d.Action == moderation.Reject {
		rc, err := h.store.ReasonCodeByCode(ctx, d.ReasonCode)
		if err != nil || !rc.Active {
			c.Status(formErrorStatus)
			return h.message(c, formErrorStatus, messageView{Heading: loc.T("admin.bulk.choose_reason_heading"),
				Text: loc.T("admin.bulk.choose_reason_text"), Link: ret, LinkText: loc.T("admin.signature.back")})
		}
		v.ReasonLbl = rc.Label
	}
	for _, it := range items {
		sig, err := h.store.SignatureByID(ctx, it.ID)
		if err != nil || sig.StatementID != st.ID {
			continue
		}
		v.Rows = append(v.Rows, bulkRow{Sel: strconv.FormatInt(it.ID, 10) + ":" + strconv.Itoa(it.Version),
			Name: sig.Name, Now: sig.Status})
	}
	return h.render(c, "admin/bulk-confirm", loc.T("admin.bulk.title", "Action", v.Label), v)
}

// parseSelection reads "id:version" values, ignoring malformed ones.
func parseSelection(vals []string) []moderation.BulkItem {
	var out []moderation.BulkItem
	seen := map[int64]bool{}
	for _, v := range vals {
		a, b, ok := strings.Cut(v, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		ver, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || id <= 0 || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, moderation.BulkItem{ID: id, Version: ver})
		if len(out) == moderation.BulkLimit {
			break
		}
	}
	return out
}

// editField is one field of the correction form.
type editField struct {
	Name, Label, Value, Error string
}

// Field returns the correction form's field name with its value and error.
func (v *signatureView) Field(name, label string) editField {
	vals := map[string]string{"name": v.Edit.Name, "website": v.Edit.Website, "org_type": v.Edit.OrgType,
		"city": v.Edit.City, "country": v.Edit.Country, "comment": v.Edit.Comment}
	return editField{Name: name, Label: label, Value: vals[name], Error: v.Errors[name]}
}
