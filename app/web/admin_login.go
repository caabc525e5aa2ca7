package web

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/models"
)

// loginView is the data of the login and second-factor forms.
type loginView struct {
	Email string
	Next  string
	Error string
}

// throttleRetryAfter is the Retry-After of a throttled login, in seconds.
var throttleRetryAfter = strconv.Itoa(int(auth.FailureWindow.Seconds()))

func (h *admin) loginForm(c *fiber.Ctx) error {
	next := safeNext(c.Query("next"))
	if user(c) != nil {
		return c.Redirect(next, fiber.StatusFound)
	}
	return h.render(c, "admin/login", h.locale(c).T("admin.login.heading"), loginView{Next: next})
}

// login checks the password. Unknown accounts, wrong passwords and disabled
// accounts get the same answer, after the same argon2id work.
func (h *admin) login(c *fiber.Ctx) error {
	v := loginView{Email: formValue(c, "email"), Next: safeNext(formValue(c, "next"))}
	u, err := h.auth.Authenticate(c.UserContext(), v.Email, c.FormValue("password"), h.ipHMAC(c))
	switch {
	case errors.Is(err, auth.ErrThrottled):
		return h.throttled(c, "admin/login", v)
	case errors.Is(err, auth.ErrBadCredentials):
		v.Error = h.locale(c).T("admin.login.bad")
		c.Status(formErrorStatus)
		return h.render(c, "admin/login", h.locale(c).T("admin.login.heading"), v)
	case err != nil:
		return err
	}
	if u.TOTPEnabled {
		return h.askCode(c, u, v.Next)
	}
	return h.startSession(c, u, v.Next)
}

func (h *admin) throttled(c *fiber.Ctx, view string, v loginView) error {
	v.Error = h.locale(c).T("admin.login.throttled")
	c.Set(fiber.HeaderRetryAfter, throttleRetryAfter)
	c.Status(fiber.StatusTooManyRequests)
	return h.render(c, view, h.locale(c).T("admin.login.heading"), v)
}

// askCode remembers that the password was right and asks for the second
// factor; the user is not logged in yet.
func (h *admin) askCode(c *fiber.Ctx, u *models.User, next string) error {
	sess, err := h.sessions.Get(c)
	if err != nil {
		return err
	}
	sess.Set(sessPending, u.ID)
	sess.Set(sessPendingAt, time.Now().Unix())
	sess.Set(sessNext, next)
	if err := sess.Save(); err != nil {
		return err
	}
	return c.Redirect("/admin/login/code", fiber.StatusSeeOther)
}

// pendingUser is the user who gave the right password in this session and
// must now give a code, or nil.
func (h *admin) pendingUser(c *fiber.Ctx) (*models.User, string, error) {
	sess, err := h.sessions.Get(c)
	if err != nil {
		return nil, "", err
	}
	id, _ := sess.Get(sessPending).(int64)
	at, _ := sess.Get(sessPendingAt).(int64)
	next, _ := sess.Get(sessNext).(string)
	if id == 0 || time.Since(time.Unix(at, 0)) > totpStepTimeout {
		return nil, "", nil
	}
	u, err := h.store.UserByID(c.UserContext(), id)
	if err != nil || !u.Active() || !u.TOTPEnabled {
		return nil, "", nil
	}
	return u, safeNext(next), nil
}

func (h *admin) totpForm(c *fiber.Ctx) error {
	u, _, err := h.pendingUser(c)
	if err != nil {
		return err
	}
	if u == nil {
		return c.Redirect("/admin/login", fiber.StatusFound)
	}
	return h.render(c, "admin/totp", h.locale(c).T("admin.totp.heading"), loginView{})
}

// totpLogin checks the second factor. Wrong codes count as failed logins.
func (h *admin) totpLogin(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, next, err := h.pendingUser(c)
	if err != nil {
		return err
	}
	if u == nil {
		return c.Redirect("/admin/login", fiber.StatusSeeOther)
	}
	ip := h.ipHMAC(c)
	if blocked, err := h.auth.Throttled(ctx, u.Email, ip); err != nil {
		return err
	} else if blocked {
		return h.throttled(c, "admin/totp", loginView{})
	}
	err = h.auth.VerifySecondFactor(ctx, u, formValue(c, "code"))
	if errors.Is(err, auth.ErrBadCode) {
		if ferr := h.auth.Failed(ctx, u.Email, ip, "code"); !errors.Is(ferr, auth.ErrBadCredentials) {
			return ferr
		}
		c.Status(formErrorStatus)
		return h.render(c, "admin/totp", h.locale(c).T("admin.totp.heading"), loginView{Error: h.locale(c).T("admin.totp.bad")})
	}
	if err != nil {
		return err
	}
	return h.startSession(c, u, next)
}

// startSession logs u in: the session gets a new id and loses whatever it
// held before (a CSRF token issued before login stops working).
func (h *admin) startSession(c *fiber.Ctx, u *models.User, next string) error {
	sess, err := h.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Reset(); err != nil {
		return err
	}
	sess.Set(sessUser, u.ID)
	sess.Set(sessLoginAt, time.Now().Unix())
	if err := sess.Save(); err != nil {
		return err
	}
	if err := h.auth.CompleteLogin(c.UserContext(), u, h.ipHMAC(c)); err != nil {
		return err
	}
	return c.Redirect(safeNext(next), fiber.StatusSeeOther)
}

// logout destroys the session: its cookie no longer works, even replayed.
func (h *admin) logout(c *fiber.Ctx) error {
	sess, err := h.sessions.Get(c)
	if err != nil {
		return err
	}
	if err := sess.Destroy(); err != nil {
		return err
	}
	if u := user(c); u != nil {
		if err := h.auth.RecordLogout(c.UserContext(), u, h.ipHMAC(c)); err != nil {
			return err
		}
	}
	return c.Redirect("/admin/login?msg=logged-out", fiber.StatusSeeOther)
}

// messageView is a page that only says something.
type messageView struct {
	Heading, Text  string
	Link, LinkText string
}

func (h *admin) message(c *fiber.Ctx, status int, v messageView) error {
	c.Status(status)
	return h.render(c, "admin/message", v.Heading, v)
}

// tokenView is the data of the forms reached by an emailed link.
type tokenView struct {
	Token  string
	Email  string
	Role   models.Role
	Errors map[string]string
}

func (h *admin) resetForm(c *fiber.Ctx) error {
	return h.render(c, "admin/reset", h.locale(c).T("admin.reset.heading"), loginView{})
}

// resetRequest always answers the same, whether the account exists or not.
func (h *admin) resetRequest(c *fiber.Ctx) error {
	loc := h.locale(c)
	email := formValue(c, "email")
	if !auth.ValidEmail(email) {
		c.Status(formErrorStatus)
		return h.render(c, "admin/reset", loc.T("admin.reset.heading"), loginView{Email: email, Error: loc.T("admin.reset.enter_email")})
	}
	if err := h.auth.RequestReset(mailContext(c, loc), email); err != nil {
		return err
	}
	return h.message(c, fiber.StatusOK, messageView{Heading: loc.T("admin.reset.sent_heading"),
		Text: loc.T("admin.reset.sent_text")})
}

// badLink is the page of an invite or reset link that does not work.
func (h *admin) badLink(c *fiber.Ctx) error {
	loc := h.locale(c)
	return h.message(c, fiber.StatusNotFound, messageView{Heading: loc.T("admin.link.bad_heading"),
		Text: loc.T("admin.link.bad_text"), Link: "/admin/login", LinkText: loc.T("admin.login.heading")})
}

func (h *admin) resetConfirmForm(c *fiber.Ctx) error {
	tok := c.Query("token")
	if !h.auth.ValidResetToken(c.UserContext(), tok) {
		return h.badLink(c)
	}
	return h.render(c, "admin/reset-confirm", h.locale(c).T("admin.reset_confirm.heading"), tokenView{Token: tok})
}

func (h *admin) resetConfirm(c *fiber.Ctx) error {
	v := tokenView{Token: formValue(c, "token")}
	pw := c.FormValue("password")
	if msg := h.passwordProblem(c, pw, c.FormValue("password2")); msg != "" {
		v.Errors = map[string]string{"password": msg}
		c.Status(formErrorStatus)
		return h.render(c, "admin/reset-confirm", h.locale(c).T("admin.reset_confirm.heading"), v)
	}
	err := h.auth.ResetPassword(c.UserContext(), v.Token, pw, h.ipHMAC(c))
	if errors.Is(err, auth.ErrBadToken) {
		return h.badLink(c)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/admin/login?msg=reset", fiber.StatusSeeOther)
}

func (h *admin) passwordProblem(c *fiber.Ctx, pw, again string) string {
	if err := auth.CheckPassword(pw); err != nil {
		return h.locale(c).T("admin.password.too_short")
	}
	if pw != again {
		return h.locale(c).T("admin.password.differ")
	}
	return ""
}

func (h *admin) inviteForm(c *fiber.Ctx) error {
	tok := c.Query("token")
	inv, err := h.auth.Invitation(c.UserContext(), tok)
	if errors.Is(err, auth.ErrBadToken) {
		return h.badLink(c)
	}
	if err != nil {
		return err
	}
	return h.render(c, "admin/invite", h.locale(c).T("admin.invite.heading"), tokenView{Token: tok, Email: inv.Email, Role: inv.Role})
}

func (h *admin) inviteAccept(c *fiber.Ctx) error {
	ctx := c.UserContext()
	v := tokenView{Token: formValue(c, "token")}
	inv, err := h.auth.Invitation(ctx, v.Token)
	if errors.Is(err, auth.ErrBadToken) {
		return h.badLink(c)
	}
	if err != nil {
		return err
	}
	v.Email, v.Role = inv.Email, inv.Role
	pw := c.FormValue("password")
	if msg := h.passwordProblem(c, pw, c.FormValue("password2")); msg != "" {
		v.Errors = map[string]string{"password": msg}
		c.Status(formErrorStatus)
		return h.render(c, "admin/invite", h.locale(c).T("admin.invite.heading"), v)
	}
	_, err = h.auth.AcceptInvite(ctx, v.Token, pw, h.ipHMAC(c))
	loc := h.locale(c)
	switch {
	case errors.Is(err, auth.ErrBadToken):
		return h.badLink(c)
	case errors.Is(err, auth.ErrUserExists):
		return h.message(c, fiber.StatusConflict, messageView{Heading: loc.T("admin.invite.exists_heading"),
			Text: loc.T("admin.invite.exists_text"), Link: "/admin/login", LinkText: loc.T("admin.login.heading")})
	case err != nil:
		return err
	}
	return c.Redirect("/admin/login?msg=welcome", fiber.StatusSeeOther)
}
