package moderation

import (
	"context"
	"errors"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
)

// BulkItem is one selected row, with the version the moderator saw.
type BulkItem struct {
	ID      int64
	Version int
}

// BulkResult tells what a bulk decision did to each row.
type BulkResult struct {
	Done       []int64
	Conflicts  []int64 // changed by someone else meanwhile: left alone
	NotAllowed []int64 // the decision does not apply to the row's status
	NotFound   []int64
}

// BulkLimit bounds how many rows one bulk decision may touch.
const BulkLimit = 200

// Bulk applies one decision (approve or reject) to every selected row, each
// in its own transaction and on the version the moderator saw, so that a
// row someone else changed meanwhile is reported, never overwritten.
func (m *Service) Bulk(ctx context.Context, actor audit.Actor, statementID int64, items []BulkItem, d Decision) (*BulkResult, error) {
	if d.Action != Approve && d.Action != Reject {
		return nil, ErrNotAllowed
	}
	if len(items) > BulkLimit {
		items = items[:BulkLimit]
	}
	if d.Action == Reject {
		if _, err := m.activeReason(ctx, d.ReasonCode); err != nil {
			return nil, err
		}
	}
	res := &BulkResult{}
	for _, it := range items {
		one := d
		one.SignatureID, one.StatementID, one.Version = it.ID, statementID, it.Version
		_, err := m.Decide(ctx, actor, one)
		switch {
		case err == nil:
			res.Done = append(res.Done, it.ID)
		case errors.Is(err, ErrConflict):
			res.Conflicts = append(res.Conflicts, it.ID)
		case errors.Is(err, ErrNotAllowed):
			res.NotAllowed = append(res.NotAllowed, it.ID)
		case errors.Is(err, db.ErrNotFound):
			res.NotFound = append(res.NotFound, it.ID)
		default:
			return res, err
		}
	}
	return res, nil
}
