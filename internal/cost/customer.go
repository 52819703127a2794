package cost

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxCustomerIDLen is the longest customer id, in bytes.
const MaxCustomerIDLen = 200

// ReservedCustomerPrefix starts the ids the product keeps for itself, such as
// "_org", the organisation's budget. No customer may have such an id: a token
// minted for "_org" would otherwise read the organisation budget.
const ReservedCustomerPrefix = "_"

// ValidCustomerID reports why id cannot name a customer: empty, longer than
// MaxCustomerIDLen bytes, not UTF-8, with leading or trailing spaces, with a
// control character, or starting with ReservedCustomerPrefix. The error is
// CodeInvalid and names the field customer_id.
func ValidCustomerID(id string) error {
	switch {
	case id == "":
		return FieldErrorf("customer_id", "A customer id is required.")
	case len(id) > MaxCustomerIDLen:
		return FieldErrorf("customer_id", "Customer id is longer than %d bytes.", MaxCustomerIDLen)
	case !utf8.ValidString(id):
		return FieldErrorf("customer_id", "Customer id is not valid UTF-8.")
	case strings.TrimSpace(id) != id:
		return FieldErrorf("customer_id", "Customer id %q starts or ends with a space.", id)
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return FieldErrorf("customer_id", "Customer id %q contains a control character.", id)
	case strings.HasPrefix(id, ReservedCustomerPrefix):
		return FieldErrorf("customer_id", "Customer id %q is reserved: ids starting with %q are the product's own (e.g. _org, the organisation).",
			id, ReservedCustomerPrefix)
	}
	return nil
}
