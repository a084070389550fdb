package clv_test

import (
	"fmt"

	"github.com/rolo-crm/rolo/tiering/clv"
)

// Two CDNOW customers with two repeat purchases in 39 weeks under the
// published parameters: one bought last a month ago, one had been silent
// since week 5.
func ExampleBGNBD_PAlive() {
	m := clv.BGNBD{R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	fmt.Printf("%.3f\n", m.PAlive(2, 30.43, 38.86))
	fmt.Printf("%.3f\n", m.PAlive(2, 5, 38.86))
	// Output:
	// 0.727
	// 0.124
}

// With too few customers Analyze says why and uses the simple CLV
// m·r/(1+i−r): 1000 a year at 30% margin, 60% retention, 10% discount.
func ExampleAnalyze() {
	cs := []clv.Customer{{ID: 1, X: 2, Tx: 10, T: 20, Mx: 50}}
	res := clv.Analyze(cs, map[int64]float64{1: 1000}, 0.6, clv.Options{AnnualDiscount: 0.1, Margin: 0.3})
	fmt.Println(res.Status, "-", res.Reason)
	fmt.Printf("%.2f %v\n", res.Rows[0].CLV, res.Rows[0].PAlive)
	// Output:
	// too_little_data - only 1 buying customers (the models need at least 100)
	// 163.64 -1
}
