package demo

import (
	"fmt"

	"github.com/llmcost/llmcost/internal/cost"
)

// The customers the story is about. They sit early in customerNames so that every
// allowed customer count includes them.
const (
	spikeCustomer = "cust_hooli"
	spikeModel    = "gpt-4"
	driftCustomer = "cust_initech"
)

// customerNames lists the demo customers from the largest to the smallest.
var customerNames = []cost.Customer{
	{ID: "cust_acme", Name: "Acme Inc"},
	{ID: "cust_globex", Name: "Globex Corporation"},
	{ID: "cust_initech", Name: "Initech"},
	{ID: "cust_hooli", Name: "Hooli"},
	{ID: "cust_umbrella", Name: "Umbrella Corporation"},
	{ID: "cust_stark", Name: "Stark Industries"},
	{ID: "cust_wayne", Name: "Wayne Enterprises"},
	{ID: "cust_wonka", Name: "Wonka Industries"},
	{ID: "cust_cyberdyne", Name: "Cyberdyne Systems"},
	{ID: "cust_soylent", Name: "Soylent Corp"},
	{ID: "cust_tyrell", Name: "Tyrell Corporation"},
	{ID: "cust_massive", Name: "Massive Dynamic"},
	{ID: "cust_aperture", Name: "Aperture Science"},
	{ID: "cust_oscorp", Name: "Oscorp"},
	{ID: "cust_vandelay", Name: "Vandelay Industries"},
	{ID: "cust_piedpiper", Name: "Pied Piper"},
	{ID: "cust_dunder", Name: "Dunder Mifflin"},
	{ID: "cust_bluth", Name: "Bluth Company"},
	{ID: "cust_sterling", Name: "Sterling Cooper"},
	{ID: "cust_nakatomi", Name: "Nakatomi Trading"},
	{ID: "cust_weyland", Name: "Weyland-Yutani"},
	{ID: "cust_prestige", Name: "Prestige Worldwide"},
	{ID: "cust_planetexpress", Name: "Planet Express"},
	{ID: "cust_rekall", Name: "Rekall"},
	{ID: "cust_spacely", Name: "Spacely Sprockets"},
	{ID: "cust_cogswell", Name: "Cogswell Cogs"},
	{ID: "cust_gringotts", Name: "Gringotts"},
	{ID: "cust_monarch", Name: "Monarch Solutions"},
	{ID: "cust_zorg", Name: "Zorg Industries"},
	{ID: "cust_duff", Name: "Duff Beer"},
	{ID: "cust_krusty", Name: "Krusty Krab"},
	{ID: "cust_gekko", Name: "Gekko & Co"},
}

// customerList returns the first n demo customers, numbering any beyond the named ones.
func customerList(n int) []cost.Customer {
	cs := make([]cost.Customer, 0, n)
	for i := range n {
		if i < len(customerNames) {
			cs = append(cs, customerNames[i])
			continue
		}
		cs = append(cs, cost.Customer{ID: fmt.Sprintf("cust_%03d", i+1), Name: fmt.Sprintf("Customer %d", i+1)})
	}
	return cs
}
