/*
 * Safety before signalling on Windows.  There is no root whose pidfile
 * others could steer (directory ACLs are the administrator's business), so
 * only the target is re-verified right before every signal: its handle
 * not yet signalled and its creation time unchanged.
 */
#include "cli.h"
#include "cli_win.h"

/* Nothing to refuse: see the file comment. */
int safety_refuse(const struct cli *c)
{
	(void)c;
	return CLI_GO_ON;
}

/* Is the handle's process still the one opened: not exited, same creation time? */
int proc_verify(const struct proc *p)
{
	if (p->fd < 0 || WaitForSingleObject(proc_handle(p), 0) != WAIT_TIMEOUT)
		return 0;
	return p->start == 0 || proc_start(p->pid) == p->start;
}
