package web

import (
	"context"
	"errors"
	"net"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/db"
)

// Error is an error with the status and the message a client may see; the
// wrapped error is only logged.
type Error struct {
	Status int
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

var errNotFound = &Error{Status: fiber.StatusNotFound, Msg: "There is nothing at this address."}

const unavailableMsg = "The service is busy or briefly unavailable. Nothing was lost: please try again in a few seconds."

// handleError is fiber's one error handler: it maps an error to a status,
// logs what clients must not see, and answers with a page or JSON.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, msg := classify(err)
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
	v := s.page(c, headingFor(status))
	v.NoIndex = true
	v.Data = errorPage{Heading: headingFor(status), Message: msg}
	if rerr := c.Render("errors/error", v, "layouts/base"); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		return c.SendString(msg)
	}
	return nil
}

type errorPage struct{ Heading, Message string }

func classify(err error) (int, string) {
	var e *Error
	var fe *fiber.Error
	var netErr net.Error
	switch {
	case errors.As(err, &e):
		return e.Status, e.Msg
	case errors.As(err, &fe):
		return fe.Code, publicFiberMessage(fe)
	case errors.Is(err, db.ErrNotFound):
		return fiber.StatusNotFound, errNotFound.Msg
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr), db.IsUnavailable(err):
		return fiber.StatusServiceUnavailable, unavailableMsg
	}
	return fiber.StatusInternalServerError, "Something went wrong on our side. Please try again."
}

func publicFiberMessage(fe *fiber.Error) string {
	switch fe.Code {
	case fiber.StatusNotFound:
		return errNotFound.Msg
	case fiber.StatusRequestEntityTooLarge:
		return "The request is too large."
	case fiber.StatusMethodNotAllowed:
		return "This method is not allowed here."
	}
	if fe.Code >= 500 {
		return "Something went wrong on our side. Please try again."
	}
	return fe.Message
}

func headingFor(status int) string {
	switch status {
	case fiber.StatusNotFound:
		return "Page not found"
	case fiber.StatusForbidden:
		return "Not allowed"
	case fiber.StatusTooManyRequests:
		return "Too many requests"
	case fiber.StatusServiceUnavailable:
		return "Briefly unavailable"
	}
	if status >= 500 {
		return "Something went wrong"
	}
	return "The request could not be completed"
}

func wantsJSON(c *fiber.Ctx) bool {
	p := c.Path()
	return len(p) >= 5 && p[:5] == "/api/" || c.Accepts(fiber.MIMETextHTML, fiber.MIMEApplicationJSON) == fiber.MIMEApplicationJSON
}
