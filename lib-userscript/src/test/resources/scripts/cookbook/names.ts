export const renamed: Record<string, string> = {
  old_orders: "orders_v2",
  legacy_users: "users_v2",
};
