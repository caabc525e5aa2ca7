package web

import (
	"context"
	"errors"
	"net"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/db"
)

// Error is an error with the status and the message a client may see; the
// wrapped error is only logged. ID, when set, is the message id that
// translates Msg.
type Error struct {
	Status int
	Msg    string
	Err    error
	ID     string
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

var errNotFound = &Error{Status: fiber.StatusNotFound, Msg: "There is nothing at this address.", ID: "error.not_found.message"}

var (
	errUnavailable = &Error{Status: fiber.StatusServiceUnavailable, ID: "error.unavailable.message",
		Msg: "The service is busy or briefly unavailable. Nothing was lost: please try again in a few seconds."}
	errInternal = &Error{Status: fiber.StatusInternalServerError, ID: "error.internal.message",
		Msg: "Something went wrong on our side. Please try again."}
	errInvalidText = &Error{Status: fiber.StatusBadRequest,
		Msg: "The request contains characters that are not allowed, such as control characters."}
)

// handleError is fiber's one error handler: it maps an error to a status,
// logs what clients must not see, and answers with a page or JSON.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	// Errors the server raises before any middleware ran (413, 431, ...)
	// still get the security headers.
	if len(c.Response().Header.Peek(fiber.HeaderContentSecurityPolicy)) == 0 {
		s.setSecurityHeaders(c)
	}
	public := classify(err)
	status, msg := public.Status, public.Msg
	loc := s.locale(c)
	if public.ID != "" {
		msg = loc.T(public.ID)
	}
	if status >= 500 {
		s.log.Error("request failed", "id", requestID(c), "path", c.Path(), "status", status, "err", err)
	}
	if status == fiber.StatusServiceUnavailable {
		c.Set(fiber.HeaderRetryAfter, "5")
	}
	c.Status(status)
	if wantsJSON(c) {
		return c.JSON(fiber.Map{"error": msg})
	}
	heading := loc.T(headingFor(status))
	v := s.page(c, heading)
	v.NoIndex = true
	v.Data = errorPage{Heading: heading, Message: msg}
	if rerr := c.Render("errors/error", v, "layouts/base"); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		return c.SendString(msg)
	}
	return nil
}

type errorPage struct{ Heading, Message string }

// classify turns err into what a client may see of it.
func classify(err error) *Error {
	var e *Error
	var fe *fiber.Error
	var netErr net.Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &fe):
		return publicFiberError(fe)
	case errors.Is(err, db.ErrNotFound):
		return errNotFound
	case db.IsInvalidText(err):
		return errInvalidText
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr), db.IsUnavailable(err):
		return errUnavailable
	}
	return errInternal
}

func publicFiberError(fe *fiber.Error) *Error {
	switch {
	case fe.Code == fiber.StatusNotFound:
		return errNotFound
	case fe.Code == fiber.StatusRequestEntityTooLarge:
		return &Error{Status: fe.Code, Msg: "The request is too large.", ID: "error.too_large.message"}
	case fe.Code == fiber.StatusMethodNotAllowed:
		return &Error{Status: fe.Code, Msg: "This method is not allowed here.", ID: "error.method.message"}
	case fe.Code >= 500:
		return &Error{Status: fe.Code, Msg: errInternal.Msg, ID: errInternal.ID}
	}
	return &Error{Status: fe.Code, Msg: fe.Message}
}

// headingFor is the message id of an error page's heading.
func headingFor(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "error.not_found.heading"
	case fiber.StatusForbidden:
		return "error.forbidden.heading"
	case fiber.StatusTooManyRequests:
		return "error.too_many.heading"
	case fiber.StatusServiceUnavailable:
		return "error.unavailable.heading"
	}
	if status >= 500 {
		return "error.internal.heading"
	}
	return "error.generic.heading"
}

func wantsJSON(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 5 && p[:5] == "/api/" || c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}
