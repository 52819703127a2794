package ingest

import "github.com/llmcost/llmcost/internal/cost"

// checkCustomer refuses a row attributed to an id no customer may have
// (cost.ValidCustomerID: reserved such as "_org", overlong, control
// characters), naming the file and row; "" (unattributed) is fine.
func (r *run) checkCustomer(id string) error {
	if id == "" {
		return nil
	}
	if err := cost.ValidCustomerID(id); err != nil {
		return cost.FieldErrorf("customer_id", "%s: data row %d: %s", r.name, r.sum.Rows, cost.ErrorMessage(err))
	}
	return nil
}
