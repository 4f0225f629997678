export { BUDGET_NOTICE, BudgetGuard, type BudgetLimits } from './budget.js';
export { CostMeter } from './costMeter.js';
export { LIST_PRICES, LIST_PRICES_SOURCE } from './listPrices.js';
export { addCost, PriceBook, turnCost } from './priceBook.js';
export { loadPriceFile } from './priceFile.js';
export { modelPriceSchema, priceTableSchema, type ModelPrice, type PriceTable, type TokenRates } from './priceSchema.js';
export { formatUsd } from './formatUsd.js';
