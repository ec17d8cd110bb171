/**
 * A private single-node Slurm cluster for tests. munged, slurmctld and slurmd run in
 * the foreground as children of the test, from one temporary folder that holds their
 * key, socket, configuration, state, spool and logs, on free TCP ports: the machine's
 * own Slurm and munge (if any) are neither used nor touched.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';

const PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'sinfo', 'squeue', 'scancel'] as const;
type Program = (typeof PROGRAMS)[number];

/** Daemons live in /usr/sbin, which the PATH of a non-login shell may lack. */
function which(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  return dirs
    .filter((d) => d !== '')
    .map((d) => join(d, name))
    .find((file) => existsSync(file));
}

/** Why a cluster cannot be started here, or undefined if it can. */
export function slurmMissing(): string | undefined {
  const absent = PROGRAMS.filter((p) => which(p) === undefined);
  if (absent.length > 0) return `${absent.join(', ')} not found (Debian: apt-get install slurm-wlm munge)`;
  if (process.getuid?.() !== 0) return 'slurmd must run as root to start jobs';
  return undefined;
}

/** A TCP port nobody listens on now (the daemons bind it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 25): string {
  if (!existsSync(file)) return `${file}: (absent)`;
  return `${file}:\n${readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
}

export class SlurmCluster {
  /** Environment for Slurm commands, which a job inherits from sbatch: SLURM_CONF points at this cluster. */
  readonly env: NodeJS.ProcessEnv;
  readonly conf: string;
  node = '';
  private readonly children = new Map<string, ChildProcess>();

  constructor(readonly dir: string) {
    this.conf = join(dir, 'slurm.conf');
    // A job sees what a user's shell would pass: nothing of an enclosing Slurm job or npm script.
    this.env = { SLURM_CONF: this.conf };
    for (const [key, value] of Object.entries(process.env))
      if (!/^(SLURM_|SBATCH_|SALLOC_|SRUN_|npm_)/i.test(key)) this.env[key] = value;
  }

  private path(program: Program): string {
    const file = which(program);
    if (file === undefined) throw new Error(`${program} not found`);
    return file;
  }

  /** Runs a Slurm client command against this cluster. */
  run(program: Program, args: string[], options: { cwd?: string; timeout?: number } = {}) {
    const r = spawnSync(this.path(program), args, {
      env: this.env,
      encoding: 'utf8',
      cwd: options.cwd ?? this.dir,
      timeout: options.timeout ?? 15_000,
    });
    return {
      code: r.status,
      stdout: r.stdout ?? '',
      stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}`,
    };
  }

  private daemon(program: Program, args: string[]): ChildProcess {
    const out = openSync(join(this.dir, `${program}.out`), 'a');
    const child = spawn(this.path(program), args, { env: this.env, stdio: ['ignore', out, out] });
    closeSync(out);
    this.children.set(program, child);
    return child;
  }

  private async until(what: string, ready: () => boolean, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (!ready()) {
      for (const [name, child] of this.children)
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(
            `${name} exited (${child.exitCode ?? child.signalCode}) before ${what}\n${this.diagnostics()}`,
          );
      if (Date.now() > deadline) throw new Error(`no ${what} after ${ms / 1000} s\n${this.diagnostics()}`);
      await sleep(200);
    }
  }

  async start(): Promise<void> {
    const dir = this.dir;
    // munged refuses a socket in a folder that others cannot enter.
    chmodSync(dir, 0o755);
    const socket = join(dir, 'munge.socket');
    writeFileSync(join(dir, 'munge.key'), randomBytes(128), { mode: 0o400 });
    this.daemon('munged', [
      '--foreground',
      `--socket=${socket}`,
      `--key-file=${join(dir, 'munge.key')}`,
      `--pid-file=${join(dir, 'munged.pid')}`,
      `--log-file=${join(dir, 'munged.log')}`,
      `--seed-file=${join(dir, 'munged.seed')}`,
    ]);
    await this.until('munge socket', () => existsSync(socket), 10_000);

    // The node as slurmd sees it (name, CPUs, memory), so that its registration matches.
    const probe = spawnSync(this.path('slurmd'), ['-C'], { encoding: 'utf8', env: this.env });
    const nodeLine = probe.stdout?.split('\n').find((l) => l.startsWith('NodeName='));
    const name = nodeLine && /^NodeName=(\S+)/.exec(nodeLine)?.[1];
    if (!nodeLine || !name) throw new Error(`slurmd -C gave no node line:\n${probe.stdout}${probe.stderr}`);
    this.node = name;
    for (const sub of ['state', 'spool']) mkdirSync(join(dir, sub));
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    writeFileSync(
      this.conf,
      [
        'ClusterName=seedsoil-test',
        // Addresses are given so that the hostname need not resolve.
        `SlurmctldHost=${name}(127.0.0.1)`,
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'SlurmUser=root',
        'SlurmdUser=root',
        'AuthType=auth/munge',
        `AuthInfo=socket=${socket}`,
        'CredType=cred/munge',
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
        // No cgroups: nothing to mount or delegate in a container. (proctrack/pgid would
        // wait for every process of the job's group to be reaped, seconds per job where
        // PID 1 reaps orphans slowly; stop() ends a cancelled job's leftovers instead.)
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'JobAcctGatherType=jobacct_gather/none',
        'AccountingStorageType=accounting_storage/none',
        'JobCompType=jobcomp/none',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'MpiDefault=none',
        'ReturnToService=2',
        // sbatch --wait polls after 2, 8 and then every 32 s while the pause is below
        // MinJobAge/2 (default 300 s): 10 s keeps its polls 8 s apart.
        'MinJobAge=10',
        'MailProg=/bin/true',
        `${nodeLine.trim()} NodeAddr=127.0.0.1 State=UNKNOWN`,
        `PartitionName=test Nodes=${name} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );
    this.daemon('slurmctld', ['-D', '-f', this.conf]);
    this.daemon('slurmd', ['-D', '-f', this.conf]);
    await this.until(
      `idle node ${name}`,
      () => this.run('sinfo', ['-h', '-n', name, '-o', '%t']).stdout.trim() === 'idle',
      60_000,
    );
  }

  /** The daemons' logs, for a failure message. */
  diagnostics(): string {
    return ['munged.out', 'munged.log', 'slurmctld.out', 'slurmctld.log', 'slurmd.out', 'slurmd.log']
      .map((f) => tail(join(this.dir, f)))
      .join('\n');
  }

  /**
   * Processes working in this cluster's folder: those of jobs. proctrack/linuxproc
   * follows the process tree, so a cancelled job whose shell died first leaves its
   * children (npx, node), which got the signal too, to end by themselves.
   */
  private jobProcesses(): number[] {
    return readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
      .filter((p) => {
        try {
          const cwd = readlinkSync(`/proc/${p}/cwd`);
          return cwd === this.dir || cwd.startsWith(`${this.dir}/`);
        } catch {
          return false;
        }
      })
      .map(Number);
  }

  private async endLeftovers(): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && this.jobProcesses().length > 0) await sleep(250);
    for (const pid of this.jobProcesses()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Cancels any job and stops the daemons; safe after a failed or partial start. */
  async stop(): Promise<void> {
    const ctld = this.children.get('slurmctld');
    if (ctld && ctld.exitCode === null && ctld.signalCode === null) {
      // A job's processes outlive slurmd (they belong to slurmstepd): end them first.
      this.run('scancel', ['--user', userInfo().username]);
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && this.run('squeue', ['-h']).stdout.trim() !== '') await sleep(250);
    }
    await this.endLeftovers();
    for (const name of ['slurmd', 'slurmctld', 'munged']) {
      const child = this.children.get(name);
      if (!child || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
}
