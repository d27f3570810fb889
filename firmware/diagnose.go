package main

import (
	"fmt"

	"payterm/drivers/scanner"
	"payterm/firmware/journal"
	"payterm/firmware/poslink"
)

// diagnosisParts is what a Diagnosis reads; each may be nil/absent.
type diagnosisParts struct {
	cfg     config
	devs    *devices
	journal *journal.Journal
	store   *poslink.Store
	status  func() string // "OK" or "Busy", from the engine
}

// diagnose answers the POS's DiagnosisRequest: GlobalStatus, the parts'
// health and the log tail. Called by the link, outside the engine loop.
func (p diagnosisParts) diagnose() poslink.Diagnosis {
	checks := p.checks()
	return poslink.Diagnosis{
		Status: globalStatus(checks, p.status),
		Health: checks,
		Log:    logLines(p.cfg.logRing),
	}
}

// globalStatus is "Maintenance" when a check the terminal cannot pay
// without fails (storage, keys, journal), else what the engine says.
func globalStatus(checks []poslink.HealthCheck, status func() string) string {
	for _, c := range checks {
		switch c.Name {
		case "storage", "keys", "journal":
			if !c.OK {
				return "Maintenance"
			}
		}
	}
	if status == nil {
		return "OK"
	}
	return status()
}

// checks are the terminal's parts in a fixed order: storage, keys,
// scanner, camera, boot slot, journal, interrupted requests.
func (p diagnosisParts) checks() []poslink.HealthCheck {
	var out []poslink.HealthCheck
	add := func(name string, ok bool, format string, args ...any) {
		out = append(out, poslink.HealthCheck{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
	}
	if h := p.cfg.health; h.StorageOK() {
		add("storage", true, "persistent (%s)", p.cfg.DataDir)
	} else {
		add("storage", false, "%s", h.Storage)
	}
	if why := p.cfg.notProvisioned(); why != "" {
		add("keys", false, "not provisioned: %s", why)
	} else if p.cfg.usesDevKeys() {
		add("keys", true, "dev (public dev keys; not for real payments)")
	} else {
		add("keys", true, "provisioned (%d link keys, terminal key)", len(p.cfg.Keys))
	}
	if p.devs != nil && p.devs.scanner != nil && p.devs.scanner != scanner.None {
		add("scanner", true, "%s", p.devs.scanner)
	} else {
		add("scanner", false, "none")
	}
	if p.devs != nil && p.devs.camera != nil {
		add("camera", true, "%s", p.devs.camera)
	} else {
		add("camera", false, "none")
	}
	if s := p.cfg.health.Slot; s != "" {
		add("boot-slot", true, "%s", s)
	} else {
		add("boot-slot", true, "unknown")
	}
	if p.journal == nil {
		add("journal", false, "not open")
	} else if last, err := p.journal.Last(1); err != nil {
		add("journal", false, "unreadable: %v", err)
	} else {
		var seq uint64
		if len(last) == 1 {
			seq = last[0].Seq
		}
		add("journal", true, "last seq %d", seq)
	}
	if p.store == nil {
		add("interrupted", false, "no ServiceID store")
	} else if n, err := p.store.Interrupted(); err != nil {
		add("interrupted", false, "unreadable: %v", err)
	} else {
		add("interrupted", n == 0, "%d", n)
	}
	return out
}

// usesDevKeys reports whether a public dev key is in use: the dev link
// passphrase or the dev terminal key.
func (c config) usesDevKeys() bool {
	if c.TerminalKey == "" {
		return true
	}
	for _, k := range c.Keys {
		if k.Passphrase == devPassphrase {
			return true
		}
	}
	return false
}
