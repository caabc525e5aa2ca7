package web

import (
	"errors"
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/models"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// usersView lists dashboard users with the invite form.
type usersView struct {
	Users  []models.User
	Me     int64
	Email  string
	Role   string
	Errors map[string]string
}

func (h *admin) users(c *fiber.Ctx) error {
	return h.renderUsers(c, usersView{Role: string(models.RoleModerator)})
}

func (h *admin) renderUsers(c *fiber.Ctx, v usersView) error {
	var err error
	if v.Users, err = h.store.Users(c.UserContext()); err != nil {
		return err
	}
	v.Me = user(c).ID
	return h.render(c, "admin/users", h.locale(c).T("admin.users.heading"), v)
}

func (h *admin) invite(c *fiber.Ctx) error {
	loc := h.locale(c)
	v := usersView{Email: formValue(c, "email"), Role: formValue(c, "role")}
	role := models.Role(v.Role)
	switch {
	case !auth.ValidEmail(v.Email):
		v.Errors = map[string]string{"email": loc.T("admin.users.error_email")}
	case !role.Valid():
		v.Errors = map[string]string{"role": loc.T("admin.users.error_role")}
	}
	if v.Errors == nil {
		err := h.auth.Invite(mailContext(c, loc), h.actor(c), v.Email, role)
		if err == nil {
			return c.Redirect("/admin/users?msg=invited", fiber.StatusSeeOther)
		}
		if !errors.Is(err, auth.ErrUserExists) {
			return err
		}
		v.Errors = map[string]string{"email": loc.T("admin.users.error_exists")}
	}
	c.Status(formErrorStatus)
	return h.renderUsers(c, v)
}

func (h *admin) disableUser(c *fiber.Ctx) error { return h.setDisabled(c, true) }
func (h *admin) enableUser(c *fiber.Ctx) error  { return h.setDisabled(c, false) }

func (h *admin) setDisabled(c *fiber.Ctx, disabled bool) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	if id == user(c).ID {
		return &Error{Status: fiber.StatusForbidden, Msg: "You cannot disable your own account.", ID: "admin.error.disable_self"}
	}
	err = h.auth.SetDisabled(c.UserContext(), h.actor(c), id, disabled)
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	msg := "enabled"
	if disabled {
		msg = "disabled"
	}
	return c.Redirect("/admin/users?msg="+msg, fiber.StatusSeeOther)
}

// reasonsView lists the rejection reasons.
type reasonsView struct {
	Reasons     []models.ReasonCode
	Code, Label string
	Errors      map[string]string
}

func (h *admin) reasons(c *fiber.Ctx) error { return h.renderReasons(c, reasonsView{}) }

func (h *admin) renderReasons(c *fiber.Ctx, v reasonsView) error {
	var err error
	if v.Reasons, err = h.store.ReasonCodes(c.UserContext(), false); err != nil {
		return err
	}
	return h.render(c, "admin/reasons", h.locale(c).T("admin.reasons.heading"), v)
}

func (h *admin) createReason(c *fiber.Ctx) error {
	v := reasonsView{Code: formValue(c, "code"), Label: formValue(c, "label")}
	err := h.mod.CreateReason(c.UserContext(), h.actor(c), v.Code, v.Label)
	var fe moderation.FieldErrors
	if errors.As(err, &fe) {
		v.Errors = fieldErrors(h.locale(c), fe)
		c.Status(formErrorStatus)
		return h.renderReasons(c, v)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/reasons?msg=reason", fiber.StatusSeeOther)
}

func (h *admin) toggleReason(c *fiber.Ctx) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	err = h.mod.SetReasonActive(c.UserContext(), h.actor(c), id, c.FormValue("active") == "1")
	if errors.Is(err, db.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/reasons?msg=reason-toggle", fiber.StatusSeeOther)
}

// accountView is the user's own account page: the second factor.
type accountView struct {
	User  *models.User
	Setup *auth.TOTPSetup
	// QR is the setup's QR code as a data: URL, which html/template would
	// otherwise refuse; it is a PNG we drew, never user input.
	QR            template.URL
	RecoveryCodes []string
	CodesLeft     int64
	Error         string
}

func (h *admin) account(c *fiber.Ctx) error {
	u := user(c)
	v := accountView{User: u}
	var err error
	if v.CodesLeft, err = h.store.UnusedRecoveryCodes(c.UserContext(), u.ID); err != nil {
		return err
	}
	return h.render(c, "admin/account", h.locale(c).T("admin.account.heading"), v)
}

// totpSetup shows a new secret; it is kept in the session until the user
// proves with a code that their app holds it.
func (h *admin) totpSetup(c *fiber.Ctx) error {
	u := user(c)
	setup, err := h.auth.NewTOTP(u)
	if err != nil {
		return err
	}
	// The session row is in the database: keep the secret sealed there.
	sealed, err := h.keys.Seal([]byte(setup.Secret))
	if err != nil {
		return err
	}
	if err := h.setSession(c, sessTOTP, sealed); err != nil {
		return err
	}
	return h.render(c, "admin/account", h.locale(c).T("admin.account.heading"), accountView{User: u, Setup: setup,
		QR: template.URL(setup.QRPNG)}) // #nosec G203 -- our own PNG, base64
}

func (h *admin) totpEnable(c *fiber.Ctx) error {
	u := user(c)
	sess, err := h.sessions.Get(c)
	if err != nil {
		return err
	}
	sealed, _ := sess.Get(sessTOTP).([]byte)
	plain, err := h.keys.Open(sealed)
	if len(sealed) == 0 || err != nil {
		return c.Redirect("/admin/account", fiber.StatusSeeOther)
	}
	secret := string(plain)
	codes, err := h.auth.EnableTOTP(c.UserContext(), u, secret, formValue(c, "code"), h.ipHMAC(c))
	if errors.Is(err, auth.ErrBadCode) {
		setup, serr := h.auth.NewTOTP(u)
		if serr != nil {
			return serr
		}
		c.Status(formErrorStatus)
		// Show the same secret again: the user's app already holds it.
		setup.Secret = secret
		setup.QRPNG, setup.URL = "", ""
		return h.render(c, "admin/account", h.locale(c).T("admin.account.heading"), accountView{User: u, Setup: setup,
			Error: h.locale(c).T("admin.account.bad_code")})
	}
	if err != nil {
		return err
	}
	sess.Delete(sessTOTP)
	if err := sess.Save(); err != nil {
		return err
	}
	return h.render(c, "admin/account", h.locale(c).T("admin.account.heading"), accountView{User: u, RecoveryCodes: codes})
}

func (h *admin) totpDisable(c *fiber.Ctx) error {
	if err := h.auth.DisableTOTP(c.UserContext(), user(c), h.ipHMAC(c)); err != nil {
		return err
	}
	return c.Redirect("/admin/account?msg=totp-off", fiber.StatusSeeOther)
}

func (h *admin) setSession(c *fiber.Ctx, key string, v any) error {
	sess, err := h.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(key, v)
	return sess.Save()
}
