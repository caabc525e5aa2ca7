package web

import (
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/listing"
	"github.com/undersign/undersign/models"
)

// serveStatementCached answers a public response about the statement named
// by :slug from the cache, building it with build when it is missing. A
// cache hit touches neither the database nor a template.
func (s *Server) serveStatementCached(c *fiber.Ctx, key string, build func(st *models.Statement) (*listing.Entry, error)) error {
	return s.serveCached(c, c.Params("slug"), key, func() (int64, *listing.Entry, error) {
		st, err := s.publicStatement(c)
		if err != nil {
			return 0, nil, err
		}
		e, err := build(st)
		return st.ID, e, err
	})
}

// serveCached answers from the cache entry (slug, key), building it when
// missing, with its ETag and public caching headers.
func (s *Server) serveCached(c *fiber.Ctx, slug, key string, build listing.Builder) error {
	e, err := s.list.Lister.Cache().Fill(slug, key, func() (int64, *listing.Entry, error) {
		id, e, err := build()
		if err == nil {
			e.ETag = etagOf(e.Body)
		}
		return id, e, err
	})
	if err != nil {
		return err
	}
	return s.sendEntry(c, e)
}

// sendEntry sends a ready response, or 304 when the client's copy is
// current.
func (s *Server) sendEntry(c *fiber.Ctx, e *listing.Entry) error {
	c.Set(fiber.HeaderCacheControl, s.publicCacheControl())
	c.Set(fiber.HeaderETag, e.ETag)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), e.ETag) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	c.Set(fiber.HeaderContentType, e.ContentType)
	return c.Send(e.Body)
}

func (s *Server) publicCacheControl() string {
	return "public, max-age=" + strconv.Itoa(int(s.cfg.CacheMaxAge.Seconds()))
}

// etagOf is a strong validator of a response body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// etagMatches tells whether an If-None-Match header names etag; weak
// comparison, as RFC 9110 asks for If-None-Match.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, h := range strings.Split(header, ",") {
		h = strings.TrimPrefix(strings.TrimSpace(h), "W/")
		if h == "*" || h == etag {
			return true
		}
	}
	return false
}

// publicResource marks responses that other sites may load (the API, the
// badge, exports, the feed): they may be fetched cross-origin and never set
// a cookie, whatever middleware ran before.
func (s *Server) publicResource(c *fiber.Ctx) error {
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	err := c.Next()
	c.Response().Header.DelAllCookies()
	sameForEveryone(c, err)
	return err
}

// sameForEveryone drops the Vary: Accept-Language the locale middleware
// adds: these answers depend on the URL alone (?lang= included), and the
// header would split shared caches by every browser's language list.
func sameForEveryone(c *fiber.Ctx, err error) {
	if err == nil && c.Response().StatusCode() < fiber.StatusBadRequest {
		c.Response().Header.Del(fiber.HeaderVary)
	}
}

// apiGET opens the read-only API to scripts on any site. No credentials are
// allowed, so a cross-site read can only see what anyone may see.
func (s *Server) apiGET(c *fiber.Ctx) error {
	c.Set(fiber.HeaderAccessControlAllowOrigin, "*")
	return s.publicResource(c)
}

// badQuery turns a listing.InvalidError into a 400 the client can act on.
func badQuery(err error) error {
	if ie, ok := err.(*listing.InvalidError); ok {
		return &Error{Status: fiber.StatusBadRequest, Msg: "Invalid " + ie.Param + ": " + ie.Msg + ".", Err: err}
	}
	return err
}

// listParams reads a list request's query string.
func listParams(c *fiber.Ctx) listing.QueryParams {
	return listing.QueryParams{
		Country: c.Query("country"), Type: c.Query("type"), Q: c.Query("q"),
		Limit: c.Query("limit"), Cursor: c.Query("cursor"),
	}
}
