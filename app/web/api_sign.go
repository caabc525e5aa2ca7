package web

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/signing"
)

// apiSign is the sign form as JSON: the same rules, the same answers. It
// takes no cookie, so it needs no CSRF token; it accepts JSON only, which
// a cross-site HTML form cannot send. Its messages, the fields' included,
// are English whatever the client's language: scripts may compare them,
// and an HTML form built on the API writes its own. The confirmation email
// speaks the client's Accept-Language (or ?lang=).
func (s *Server) apiSign(c *fiber.Ctx) error {
	if !c.Is("json") {
		return &Error{Status: fiber.StatusUnsupportedMediaType, Msg: "Send the signature as JSON (Content-Type: application/json)."}
	}
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	var f signing.Form
	if err := json.Unmarshal(c.Body(), &f); err != nil {
		return &Error{Status: fiber.StatusBadRequest, Msg: "The body is not a JSON object with the signature's fields."}
	}
	err = s.sign.Signing.Sign(c.UserContext(), st, f, s.signClient(c))
	var invalid *signing.FormError
	var limited *signing.LimitError
	switch {
	case err == nil:
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{
			"status":  "check_your_inbox",
			"message": "If the details were new to us, we sent an email with a confirmation link to the address given.",
		})
	case errors.As(err, &invalid):
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{
			"error":  "Some fields are not valid; nothing was stored.",
			"fields": fieldMessages(s.english(), invalid.Fields),
		})
	case errors.As(err, &limited):
		return s.apiTooMany(c, limited.RetryAfter)
	case errors.Is(err, signing.ErrClosed):
		return errSignClosed
	}
	return err
}

func (s *Server) apiTooMany(c *fiber.Ctx, retry time.Duration) error {
	en := s.english()
	secs := retrySeconds(retry)
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(secs))
	return c.Status(fiber.StatusTooManyRequests).JSON(fiber.Map{
		"error":       "Too many requests from your network or email domain. Please try again in " + waitText(en, retry) + ".",
		"retry_after": secs,
	})
}
