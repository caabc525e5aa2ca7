package moderation

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/undersign/undersign/app/audit"
	"golang.org/x/net/idna"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Edit corrects the public fields of a signature seen at Version.
type Edit struct {
	SignatureID int64
	StatementID int64
	Version     int
	Name        string
	Website     string
	OrgType     string
	Country     string
	City        string
	Comment     string
}

// FieldErrors maps a form field to what is wrong with it.
type FieldErrors map[string]string

func (f FieldErrors) Error() string { return "invalid fields" }

// validate trims e and reports what is wrong with it.
func (e *Edit) validate() FieldErrors {
	errs := FieldErrors{}
	e.Name, e.Website, e.OrgType = strings.TrimSpace(e.Name), strings.TrimSpace(e.Website), strings.TrimSpace(e.OrgType)
	e.Country, e.City, e.Comment = strings.ToUpper(strings.TrimSpace(e.Country)), strings.TrimSpace(e.City), strings.TrimSpace(e.Comment)
	if e.Name == "" || utf8.RuneCountInString(e.Name) > 200 {
		errs["name"] = "Enter the name, at most 200 characters."
	}
	if len(e.Country) != 2 || strings.Trim(e.Country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		errs["country"] = "Enter a two-letter country code, such as DE."
	}
	if e.Website != "" && websiteDomain(e.Website) == "" {
		errs["website"] = "Enter a web address starting with https:// or http://."
	}
	for field, v := range map[string]string{"org_type": e.OrgType, "city": e.City} {
		if utf8.RuneCountInString(v) > 100 {
			errs[field] = "At most 100 characters."
		}
	}
	if utf8.RuneCountInString(e.Comment) > 1000 {
		errs["comment"] = "At most 1000 characters."
	}
	return errs
}

// websiteDomain is the ASCII host of an http(s) address, as signing
// stores it, or "".
func websiteDomain(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || len(raw) > 300 {
		return ""
	}
	host, err := idna.Lookup.ToASCII(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."))
	if err != nil || !strings.Contains(host, ".") {
		return ""
	}
	return host
}

// EditSignature writes e (the domain verification done at signing time
// stays as it was); FieldErrors when a field is invalid, ErrConflict
// when the signature changed since the moderator loaded it.
func (m *Service) EditSignature(ctx context.Context, actor audit.Actor, e Edit) (*models.Signature, error) {
	if errs := e.validate(); len(errs) > 0 {
		return nil, errs
	}
	sig, _, err := m.load(ctx, e.StatementID, e.SignatureID)
	if err != nil {
		return nil, err
	}
	if sig.Version != e.Version {
		return sig, ErrConflict
	}
	if sig.Status == models.StatusWithdrawn || sig.Status == models.StatusUnconfirmed {
		return sig, ErrNotAllowed
	}
	before := snapshot(sig)
	cols := map[string]any{"name": e.Name, "name_norm": signing.NormaliseName(e.Name), "website": e.Website,
		"website_domain": websiteDomain(e.Website), "org_type": e.OrgType, "country": e.Country,
		"city": e.City, "comment": e.Comment}
	err = m.store.Tx(ctx, func(tx *store.Store) error {
		if err := tx.EditSignature(ctx, sig, cols); err != nil {
			return err
		}
		sig.Name, sig.NameNorm, sig.Website, sig.WebsiteDomain = e.Name, cols["name_norm"].(string), e.Website, cols["website_domain"].(string)
		sig.OrgType, sig.Country, sig.City, sig.Comment = e.OrgType, e.Country, e.City, e.Comment
		return audit.Record(ctx, tx, actor, audit.Entry{Action: audit.Edited, TargetType: audit.TargetSignature,
			TargetID: sig.ID, StatementID: sig.StatementID, Before: before, After: snapshot(sig)})
	})
	if errors.Is(err, db.ErrConflict) {
		return sig, ErrConflict
	}
	if err == nil && sig.IsPublic() {
		m.events.SignaturesChanged(sig.StatementID)
	}
	return sig, err
}
