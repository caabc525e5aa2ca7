package moderation

import (
	"context"
	"errors"

	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
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
const BulkLimit = 1000

// Bulk applies one decision (approve or reject) to every selected row, on
// the version the moderator saw, so that a row someone else changed
// meanwhile is reported, never overwritten. The rows are read in one
// query and decided in one transaction (a conditional UPDATE, an audit
// event and an email each), so a thousand rows take one commit.
func (m *Service) Bulk(ctx context.Context, actor audit.Actor, statementID int64, items []BulkItem, d Decision) (*BulkResult, error) {
	if d.Action != Approve && d.Action != Reject {
		return nil, ErrNotAllowed
	}
	if len(items) > BulkLimit {
		items = items[:BulkLimit]
	}
	var reason *models.ReasonCode
	if d.Action == Reject {
		var err error
		if reason, err = m.activeReason(ctx, d.ReasonCode); err != nil {
			return nil, err
		}
	}
	st, err := m.store.StatementByID(ctx, statementID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	sigs, err := m.store.SignaturesOfStatement(ctx, statementID, ids)
	if err != nil {
		return nil, err
	}
	var res *BulkResult
	public := false
	err = m.store.Tx(ctx, func(tx *store.Store) error {
		res, public = &BulkResult{}, false
		for _, it := range items {
			sig, ok := sigs[it.ID]
			if !ok {
				res.NotFound = append(res.NotFound, it.ID)
				continue
			}
			one := *sig // a retried transaction starts from the rows as read
			if one.Version != it.Version {
				res.Conflicts = append(res.Conflicts, it.ID)
				continue
			}
			to, ok := target(d.Action, one.Status)
			if !ok {
				res.NotAllowed = append(res.NotAllowed, it.ID)
				continue
			}
			wasPublic := one.IsPublic()
			err := m.apply(ctx, tx, actor, st, &one, to, d, reason)
			switch {
			case errors.Is(err, db.ErrConflict):
				res.Conflicts = append(res.Conflicts, it.ID)
			case err != nil:
				return err
			default:
				res.Done = append(res.Done, it.ID)
				public = public || wasPublic || one.IsPublic()
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if public {
		m.events.SignaturesChanged(statementID)
	}
	return res, nil
}
