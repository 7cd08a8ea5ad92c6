// The one running job and the notices: what the progress bar and the notice list show.

export interface Job {
  id: number;
  label: string;
  progress: number;
  /** Training jobs can be paused; `paused` says whether this one is. */
  pausable: boolean;
  paused: boolean;
  /** When it started (Date.now()): how long it has run, for what would be lost by stopping it. */
  started: number;
}

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export interface JobsSlice {
  job: Job | null;
  notices: Notice[];
}

export const jobsSlice = (): JobsSlice => ({ job: null, notices: [] });
