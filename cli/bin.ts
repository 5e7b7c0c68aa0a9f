#!/usr/bin/env -S npx tsx
import { main } from './main.ts';

await main(process.argv);
