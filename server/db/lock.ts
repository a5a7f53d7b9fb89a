// PGlite is one process's database: a second process opening the same folder succeeds and then loses
// writes. A lock file with the owner's pid turns that into a clear refusal.
import fs from "node:fs";
import path from "node:path";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

export function lockDataFolder(dir: string): () => void {
  const file = path.join(dir, "concilia.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = Number(fs.readFileSync(file, "utf8"));
      if (owner && owner !== process.pid && alive(owner))
        throw new Error(
          `Another Concilia process (pid ${owner}) is using the data folder ${dir}. Stop it first: the embedded database is for one process (use PostgreSQL to run several).`,
        );
      fs.rmSync(file, { force: true }); // left behind by a process that is gone
    }
  }
  throw new Error(`Could not lock the data folder ${dir}.`);
}
