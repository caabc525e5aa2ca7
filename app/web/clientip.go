package web

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// trustedProxies are the networks of UNDERSIGN_TRUSTED_PROXIES.
type trustedProxies []*net.IPNet

func parseTrustedProxies(list []string) trustedProxies {
	var out trustedProxies
	for _, p := range list {
		p = strings.TrimSpace(p)
		if !strings.Contains(p, "/") {
			if ip := net.ParseIP(p); ip != nil && ip.To4() != nil {
				p += "/32"
			} else {
				p += "/128"
			}
		}
		if _, n, err := net.ParseCIDR(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

func (t trustedProxies) contains(ip net.IP) bool {
	for _, n := range t {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// clientIP is the address rate limits and IP HMACs are keyed on: the
// peer's, or, when the peer is a trusted proxy, the right-most
// X-Forwarded-For entry that is not a trusted proxy. Proxies append the
// address they saw; entries left of it are whatever the client sent, so
// the left-most entry (what fiber's c.IP() returns) could be forged.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer := c.Context().RemoteIP()
	if len(s.proxies) == 0 || !s.proxies.contains(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		ip := net.ParseIP(strings.TrimSpace(hops[i]))
		if ip == nil {
			break // a malformed entry: trust nothing to its left
		}
		client = ip
		if !s.proxies.contains(ip) {
			break
		}
	}
	// Every hop trusted: the farthest one is the client.
	return client.String()
}
