package document

// KillRendererForTest kills d's renderer the way the OOM killer would.
func KillRendererForTest(d *Remote) error { return d.proc.Kill() }
