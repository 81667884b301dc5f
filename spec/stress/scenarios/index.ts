// The scenarios of `make stress`, in the order they run.
import type { Scenario } from '../lib';
import { brokenState } from './broken-state';
import { crash } from './crash';
import { execs } from './execs';
import { fuzz } from './fuzz';
import { locking } from './locking';
import { parallel } from './parallel';
import { races } from './races';
import { sameId } from './same-id';
import { signals } from './signals';
import { soak } from './soak';

export const scenarios: Scenario[] = [parallel, sameId, execs, races, locking, brokenState, signals, crash, soak, fuzz];
