package pgwire

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jeroenrinzema/psql-wire/codes"
	pgerr "github.com/jeroenrinzema/psql-wire/errors"

	"github.com/llmcost/llmcost/internal/cost"
)

func errRowLimit(n int) error {
	return pgerr.WithCode(fmt.Errorf("the result has more than %d rows; aggregate or add a LIMIT", n), codes.ProgramLimitExceeded)
}

func errByteLimit(n int64) error {
	return pgerr.WithCode(fmt.Errorf("the result is larger than %d bytes; aggregate or add a LIMIT", n), codes.ProgramLimitExceeded)
}

// pgError gives an error the PostgreSQL code that says what went wrong: a
// refused query, a timeout (57014), memory (53200), a result limit (54000).
// ctx is the query's context, whose deadline tells a timeout from other errors.
func pgError(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return pgerr.WithCode(errors.New("canceling statement due to statement timeout"), codes.QueryCanceled)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return pgerr.WithCode(errors.New("canceling statement due to user request"), codes.QueryCanceled)
	}
	if code := pgerr.GetCode(err); code != codes.Uncategorized {
		return err
	}
	var e *cost.Error
	if errors.As(err, &e) {
		switch e.Code {
		case cost.CodeForbidden:
			return pgerr.WithCode(err, codes.InsufficientPrivilege)
		case cost.CodeInvalid:
			return pgerr.WithCode(err, codes.SyntaxErrorOrAccessRuleViolation)
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, valueTooLarge):
		return pgerr.WithCode(errors.New("a value in the result is too large"), codes.ProgramLimitExceeded)
	case outOfMemory(err):
		return pgerr.WithCode(errors.New("out of memory: the query needs more memory than a query may use"), codes.OutOfMemory)
	case strings.Contains(msg, "INTERRUPT"), strings.Contains(msg, "Interrupted"):
		return pgerr.WithCode(errors.New("canceling statement"), codes.QueryCanceled)
	}
	return pgerr.WithCode(err, codes.SyntaxErrorOrAccessRuleViolation)
}

// outOfMemory reports whether DuckDB ran out of the memory it may use.
func outOfMemory(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Out of Memory") || strings.Contains(msg, "could not allocate") ||
		strings.Contains(msg, "bad_alloc")
}
