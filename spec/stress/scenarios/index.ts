// The scenarios of `make stress`, in the order they run.
import type { Scenario } from '../lib';
import { fuzz } from './fuzz';
import { parallel } from './parallel';
import { soak } from './soak';

export const scenarios: Scenario[] = [parallel, soak, fuzz];
