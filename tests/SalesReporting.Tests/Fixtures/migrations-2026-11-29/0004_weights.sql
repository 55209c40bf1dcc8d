-- Indicator weights for the weighted score 綜合得分 (SPEC §4.1): per team, falling back to the
-- company default (team_id = '*'). A set that does not sum to 100, or gives process indicators
-- less than 40 in total, is a configuration warning, never silently corrected.
create table reporting.indicator_weight(
  team_id text not null,
  indicator text not null references reporting.indicator(code),
  weight numeric(6,2) not null check (weight > 0),
  primary key (team_id, indicator));

insert into reporting.indicator_weight(team_id, indicator, weight) values
  ('*', 'revenue', 25), ('*', 'collection_rate', 15), ('*', 'new_customers', 10),
  ('*', 'visits', 10), ('*', 'effective_visits', 10), ('*', 'lead_conversion', 10), ('*', 'proposals', 10),
  ('*', 'negotiation_cycle', 5), ('*', 'customer_satisfaction', 5);

-- Settings a person changes without code.
create table reporting.setting(key text primary key, value text not null);
insert into reporting.setting(key, value) values ('score_cap', '120');
