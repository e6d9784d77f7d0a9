#!/usr/bin/perl
# Writes a small database in MaxMind's GeoIP2 City layout (the one production users download
# from MaxMind), so the tests read that layout too, not only ip-location-db's flat one.
#   perl tests/data/make-city-mmdb.pl OUTPUT.mmdb
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

my %types = (
    city         => 'map',
    country      => 'map',
    subdivisions => [ 'array', 'map' ],
    names        => 'map',
    iso_code     => 'utf8_string',
    en           => 'utf8_string',
    de           => 'utf8_string',
);
my $tree = MaxMind::DB::Writer::Tree->new(
    ip_version            => 6,
    record_size           => 24,
    database_type         => 'GeoIP2-City',
    languages             => [ 'en', 'de' ],
    description           => { en => 'Gatehouse test data in the GeoIP2 City layout' },
    map_key_type_callback => sub { $types{ $_[0] } },
);
sub place {
    my ( $country, $region, $city ) = @_;
    return {
        country      => { iso_code => $country, names => { en => $country } },
        subdivisions => [ { iso_code => 'X', names => { en => $region, de => "$region (de)" } } ],
        city         => { names => { en => $city, de => "$city (de)" } },
    };
}
$tree->insert_network( '::81.2.69.0/120', place( 'GB', 'England', 'London' ) );
$tree->insert_network( '2001:470::/32', place( 'US', 'California', 'Fremont' ) );
open my $out, '>:raw', $ARGV[0] or die "cannot write $ARGV[0]: $!";
$tree->write_tree($out);
close $out;
