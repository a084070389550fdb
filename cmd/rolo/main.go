// Command rolo is a terminal CRM for one salesperson: a notebook of
// customers, purchases and contacts that tells the rep who to contact today
// and why, and shows the value pyramid.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], newSystemApp()))
}
