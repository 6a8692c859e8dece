/**
 * Shapes shared by the service managers (systemd, launchd) and the code that drives them.
 *
 * @module
 */
import type { ServiceManagerKind } from "./env.ts";
import type { ServiceIdentity } from "./identity.ts";

/** Everything needed to write a service definition. */
export interface ServiceSpec {
  identity: ServiceIdentity;
  programArguments: string[];
  environment: Record<string, string>;
  workingDirectory: string;
  stateDir: string;
  configPath: string;
  port: number;
}

/** A service definition found on disk. */
export interface InstalledService {
  path: string;
  text: string;
  programArguments: string[];
  environment: Record<string, string>;
  workingDirectory?: string;
  /** Unit directives by section (systemd only), for drift checks. */
  directives?: Record<string, Record<string, string>>;
}

/** What the service manager says about the running service. */
export interface ServiceRuntime {
  status: "running" | "stopped" | "unknown";
  state?: string;
  subState?: string;
  pid?: number;
  lastExitStatus?: number;
  lastExitReason?: string;
  /** Why the state could not be read. */
  detail?: string;
  /** The manager does not know the unit/label. */
  missingUnit?: boolean;
}

/** Loaded state plus runtime, read together (launchd answers both with one command). */
export interface ServiceState {
  loaded: boolean;
  runtime: ServiceRuntime;
}

/** One platform's service manager bound to one service identity. */
export interface ServiceManager {
  readonly kind: ServiceManagerKind;
  /** `systemd` or `LaunchAgent`, as `gateway status` prints it. */
  readonly label: string;
  readonly loadedText: string;
  readonly notLoadedText: string;
  /** The definition file: unit or plist path. */
  readonly path: string;
  /** The name the manager knows it by: unit name or `gui/<uid>/<label>`. */
  readonly name: string;
  /** Renders the definition text for `spec`. */
  render(spec: ServiceSpec): string;
  /** Reads the installed definition, or `undefined` when there is none. */
  readInstalled(): InstalledService | undefined;
  /** Reads loaded state and runtime. */
  state(): Promise<ServiceState>;
  /** Writes the definition for `spec` and enables + (re)starts it; returns the message. */
  install(spec: ServiceSpec): Promise<string>;
  /** Stops and removes the definition; returns the message. */
  uninstall(): Promise<string>;
  /** Starts (through the manager's restart path); returns the message. */
  start(): Promise<string>;
  /** Stops; returns the message. */
  stop(): Promise<string>;
  /** Restarts; returns the message. */
  restart(): Promise<string>;
  /** Where the service's output can be read. */
  logsHint(): string;
  /** The manager-level command that starts an installed service. */
  managerStartHint(): string;
}
