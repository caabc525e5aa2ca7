package moderation

import (
	"context"
	"strings"
	"time"

	"github.com/undersign/undersign/app/store"
)

// SignalWindow is how far back the same-IP and same-domain counts look.
const SignalWindow = 24 * time.Hour

// nameCandidateLimit bounds the names similar-name signals compare with,
// so that a page costs the same whatever the size of the list.
const nameCandidateLimit = 5000

// QueueItem is one row of the moderation queue with the signals a
// moderator needs to decide.
type QueueItem struct {
	store.QueueRow
	// DomainMatch: the email's domain is the website's (or a subdomain).
	DomainMatch bool
	// SameIP and SameDomain count the signatures, on every statement, from
	// the same IP HMAC and the same email domain in the last SignalWindow
	// (this one included).
	SameIP     int64
	SameDomain int64
	Similar    []Similar
	Actions    []Action
}

// QueuePage is a page of the queue; Next is the cursor of the next page,
// 0 when this is the last.
type QueuePage struct {
	Items []QueueItem
	Next  int64
}

// Queue lists one page of the queue with its signals.
func (m *Service) Queue(ctx context.Context, f store.QueueFilter) (*QueuePage, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	limit := f.Limit
	f.Limit++
	rows, err := m.store.Queue(ctx, f)
	if err != nil {
		return nil, err
	}
	page := &QueuePage{}
	if len(rows) > limit {
		rows = rows[:limit]
		page.Next = rows[limit-1].ID
	}
	since := m.now().Add(-SignalWindow)
	var ips, domains []string
	for _, r := range rows {
		if r.IPHMAC != nil && *r.IPHMAC != "" {
			ips = append(ips, *r.IPHMAC)
		}
		if r.EmailDomain != "" {
			domains = append(domains, r.EmailDomain)
		}
	}
	byIP, err := m.store.CountByIPHMAC(ctx, ips, since)
	if err != nil {
		return nil, err
	}
	byDomain, err := m.store.CountByEmailDomain(ctx, domains, since)
	if err != nil {
		return nil, err
	}
	cands, err := m.store.NameCandidates(ctx, f.StatementID, nameCandidateLimit)
	if err != nil {
		return nil, err
	}
	idx := newNameIndex(cands)
	page.Items = make([]QueueItem, 0, len(rows))
	for _, r := range rows {
		it := QueueItem{QueueRow: r, DomainMatch: domainMatch(r.EmailDomain, r.WebsiteDomain),
			SameDomain: byDomain[r.EmailDomain], Similar: idx.similar(r.ID, r.Name), Actions: Actions(r.Status)}
		if r.IPHMAC != nil {
			it.SameIP = byIP[*r.IPHMAC]
		}
		page.Items = append(page.Items, it)
	}
	return page, nil
}

// Signals returns the signals of one signature, for its detail page.
func (m *Service) Signals(ctx context.Context, statementID int64, row store.QueueRow) (QueueItem, error) {
	page := QueueItem{QueueRow: row, DomainMatch: domainMatch(row.EmailDomain, row.WebsiteDomain), Actions: Actions(row.Status)}
	since := m.now().Add(-SignalWindow)
	if row.IPHMAC != nil && *row.IPHMAC != "" {
		n, err := m.store.CountByIPHMAC(ctx, []string{*row.IPHMAC}, since)
		if err != nil {
			return page, err
		}
		page.SameIP = n[*row.IPHMAC]
	}
	if row.EmailDomain != "" {
		n, err := m.store.CountByEmailDomain(ctx, []string{row.EmailDomain}, since)
		if err != nil {
			return page, err
		}
		page.SameDomain = n[row.EmailDomain]
	}
	cands, err := m.store.NameCandidates(ctx, statementID, nameCandidateLimit)
	if err != nil {
		return page, err
	}
	page.Similar = newNameIndex(cands).similar(row.ID, row.Name)
	return page, nil
}

// domainMatch tells whether an email domain is the website's domain or
// one of its subdomains (or the other way round).
func domainMatch(email, website string) bool {
	email, website = strings.ToLower(email), strings.TrimPrefix(strings.ToLower(website), "www.")
	if email == "" || website == "" {
		return false
	}
	return email == website || strings.HasSuffix(email, "."+website) || strings.HasSuffix(website, "."+email)
}

// CanApprove tells whether the item may be approved as it is.
func (it QueueItem) CanApprove() bool {
	for _, a := range it.Actions {
		if a == Approve {
			return true
		}
	}
	return false
}
