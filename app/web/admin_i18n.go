package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/models"
)

// The dashboard speaks the moderator's language, chosen like a visitor's
// (?lang=, the lang cookie, Accept-Language). Templates translate their own
// words with .T; this file words what handlers say.

// flashMessage is the confirmation a redirect asked for with ?msg=, from a
// fixed list so that no text from the URL reaches the page; "" for an
// unknown key. done and skipped count a bulk decision's rows.
func flashMessage(loc *i18n.Locale, key string, done, skipped int) string {
	switch key {
	case "approved":
		return loc.T("admin.flash.approved")
	case "rejected":
		return loc.T("admin.flash.rejected")
	case "spam":
		return loc.T("admin.flash.spam")
	case "pending":
		return loc.T("admin.flash.pending")
	case "edited":
		return loc.T("admin.flash.edited")
	case "saved":
		return loc.T("admin.flash.saved")
	case "version":
		return loc.T("admin.flash.version")
	case "translation":
		return loc.T("admin.flash.translation")
	case "invited":
		return loc.T("admin.flash.invited")
	case "disabled":
		return loc.T("admin.flash.disabled")
	case "enabled":
		return loc.T("admin.flash.enabled")
	case "reason":
		return loc.T("admin.flash.reason")
	case "reason-toggle":
		return loc.T("admin.flash.reason_toggle")
	case "totp-off":
		return loc.T("admin.flash.totp_off")
	case "reset":
		return loc.T("admin.flash.reset")
	case "welcome":
		return loc.T("admin.flash.welcome")
	case "logged-out":
		return loc.T("admin.flash.logged_out")
	case "none-selected":
		return loc.T("admin.flash.none_selected")
	case "bulk":
		msg := loc.T("admin.flash.bulk_done", "Count", done, "N", loc.Num(done))
		if skipped > 0 {
			msg += " " + loc.T("admin.flash.bulk_skipped", "Count", skipped, "N", loc.Num(skipped))
		}
		return msg
	}
	return ""
}

// actionLabel is how a decision reads on a button.
func actionLabel(loc *i18n.Locale, a moderation.Action) string {
	switch a {
	case moderation.Approve:
		return loc.T("admin.action.approve")
	case moderation.Reject:
		return loc.T("admin.action.reject")
	case moderation.Spam:
		return loc.T("admin.action.spam")
	}
	return loc.T("admin.action.pending")
}

// fieldErrors translates the field messages the moderation service words
// in English; a message this list does not know stays as it is.
func fieldErrors(loc *i18n.Locale, fe map[string]string) map[string]string {
	out := make(map[string]string, len(fe))
	for field, msg := range fe {
		out[field] = fieldError(loc, msg)
	}
	return out
}

func fieldError(loc *i18n.Locale, msg string) string {
	switch msg {
	case "Enter the name, at most 200 characters.":
		return loc.T("admin.error.name")
	case "Enter a two-letter country code, such as DE.":
		return loc.T("admin.error.country")
	case "Enter a web address starting with https:// or http://.":
		return loc.T("admin.error.website")
	case "At most 100 characters.":
		return loc.T("admin.error.max100")
	case "At most 1000 characters.":
		return loc.T("admin.error.max1000")
	case "Use 2 to 40 lower-case letters, digits and dashes.":
		return loc.T("admin.error.reason_code")
	case "Enter the label shown to moderators (and signers), at most 200 characters.":
		return loc.T("admin.error.reason_label")
	case moderation.ErrReasonExists.Error():
		return loc.T("admin.error.reason_exists")
	case "Use lower-case letters, digits and single dashes, at most 80 characters.":
		return loc.T("admin.error.slug")
	case "A statement with this address exists.":
		return loc.T("admin.error.slug_exists")
	case "Enter a title, at most 300 characters.":
		return loc.T("admin.error.title")
	case "Enter the text of the statement.":
		return loc.T("admin.error.body")
	case "Enter a language code such as en or de.":
		return loc.T("admin.error.lang")
	case "Choose draft, open or closed.":
		return loc.T("admin.error.status")
	case "Accept organisations, individuals or both.":
		return loc.T("admin.error.accepts")
	case "The closing date must come after the opening date.":
		return loc.T("admin.error.closes_at")
	}
	return msg
}

// signalsView is what the admin/signals template shows: a queue item's
// signals, worded in the page's locale.
type signalsView struct {
	moderation.QueueItem
	L *i18n.Locale
}

// enumIDs lists the message ids the dashboard builds from a value
// ({{$.T (print "admin.status." .Status)}}) or names in an Error, for the
// test that keeps them translated: the id scanner cannot see them.
func enumIDs() []string {
	ids := []string{errAdminOnly.ID, "admin.error.csrf", "admin.error.disable_self"}
	for _, s := range displayStatuses {
		ids = append(ids, "admin.status."+string(s))
	}
	ids = append(ids, "admin.status.all")
	for _, k := range []models.SignerKind{models.KindOrganisation, models.KindIndividual} {
		ids = append(ids, "admin.kind."+string(k))
	}
	for _, r := range []models.Role{models.RoleAdmin, models.RoleModerator} {
		ids = append(ids, "admin.role."+string(r))
	}
	for _, s := range []models.StatementStatus{models.StatementDraft, models.StatementOpen, models.StatementClosed} {
		ids = append(ids, "admin.statement_status."+string(s))
	}
	for _, t := range []string{"signature", "user", "statement", "reason"} {
		ids = append(ids, "admin.target."+t)
	}
	return ids
}

// mailContext carries the moderator's language to the emails a request
// causes (invitations, password resets).
func mailContext(c *fiber.Ctx, loc *i18n.Locale) context.Context {
	return auth.WithLang(c.UserContext(), loc.Code())
}
