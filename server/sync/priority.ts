// Which sync steps go first when more are due than the workers can run (pg-boss takes the highest
// priority first, then the oldest). Routine polls and pushes wait their turn; a step somebody waits for
// goes before them: a dead worker's connection freed by the watchdog, and a connection the user has
// just reconnected. Both are rare, so they cannot crowd out the routine ones for long.
export const ROUTINE = 0;
export const URGENT = 1;
