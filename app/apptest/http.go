package apptest

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// Client sends requests through a fiber app's router (no network), keeping
// cookies like a browser would.
type Client struct {
	t   testing.TB
	app *fiber.App
	jar *cookiejar.Jar
	// Header is added to every request.
	Header http.Header
}

// Response is an answer with its body read.
type Response struct {
	*http.Response
	Body string
}

// NewClient returns a client of app.
func NewClient(t testing.TB, app *fiber.App) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, app: app, jar: jar, Header: http.Header{}}
}

var base = &url.URL{Scheme: "http", Host: "undersign.test", Path: "/"}

// Do sends req and returns the response with its body.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	for k, v := range c.Header {
		for _, vv := range v {
			req.Header.Add(k, vv)
		}
	}
	for _, ck := range c.jar.Cookies(req.URL) {
		req.AddCookie(ck)
	}
	resp, err := c.app.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("read body: %v", err)
	}
	c.jar.SetCookies(req.URL, resp.Cookies())
	return &Response{Response: resp, Body: string(body)}
}

// Get sends a GET.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do(NewRequest(http.MethodGet, path, nil, ""))
}

// PostForm sends a form-encoded POST.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.t.Helper()
	return c.Do(NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"))
}

// PostJSON sends a JSON POST.
func (c *Client) PostJSON(path, body string) *Response {
	c.t.Helper()
	return c.Do(NewRequest(http.MethodPost, path, strings.NewReader(body), "application/json"))
}

// Cookies returns the cookies the client holds.
func (c *Client) Cookies() []*http.Cookie { return c.jar.Cookies(base) }

// NewRequest builds a request to path on the test host.
func NewRequest(method, path string, body io.Reader, contentType string) *http.Request {
	req, err := http.NewRequest(method, "http://undersign.test"+path, body)
	if err != nil {
		panic(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}
