package web

import (
	"bytes"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/captcha"
)

// captchaImage draws a challenge as PNG.
func (s *Server) captchaImage(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := s.sign.Captcha.WriteImage(c.UserContext(), &buf, c.Params("id"), s.ipHMAC(c)); err != nil {
		return s.captchaError(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("png")
	return c.Send(buf.Bytes())
}

// captchaAudio speaks a challenge as WAV, the alternative to the image.
func (s *Server) captchaAudio(c *fiber.Ctx) error {
	var buf bytes.Buffer
	if err := s.sign.Captcha.WriteAudio(c.UserContext(), &buf, c.Params("id"), s.ipHMAC(c)); err != nil {
		return s.captchaError(c, err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Set(fiber.HeaderContentType, "audio/wav")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="digits.wav"`)
	return c.Send(buf.Bytes())
}

func (s *Server) captchaError(c *fiber.Ctx, err error) error {
	var limited *captcha.LimitError
	if errors.As(err, &limited) {
		loc := s.locale(c)
		return &Error{Status: fiber.StatusTooManyRequests, Err: err,
			Msg: loc.T("sign.captcha.limited", "Wait", waitText(loc, limited.RetryAfter))}
	}
	if errors.Is(err, captcha.ErrNotFound) {
		return &Error{Status: fiber.StatusNotFound, ID: "sign.captcha.expired",
			Msg: "This code has expired or was already used. Reload the form for a new one."}
	}
	return err
}

// apiCaptcha issues a challenge for API clients and the form's script.
func (s *Server) apiCaptcha(c *fiber.Ctx) error {
	ch, err := s.sign.Captcha.Issue(c.UserContext(), s.ipHMAC(c))
	var limited *captcha.LimitError
	if errors.As(err, &limited) {
		return s.apiTooMany(c, limited.RetryAfter)
	}
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"id":         ch.ID,
		"image_url":  s.absURL("/captcha/" + ch.ID + ".png"),
		"audio_url":  s.absURL("/captcha/" + ch.ID + ".wav"),
		"expires_at": ch.ExpiresAt,
		"length":     captcha.Length,
	})
}
